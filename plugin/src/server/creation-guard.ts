import type { DBAdapter, DBTransactionAdapter } from "better-auth";
import { APIError } from "better-auth/api";
import { wrapAdapter } from "./adapter-wrap.js";
import { codedErrorData } from "../shared/convex-error.js";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES, statusOf } from "../shared/error-codes.js";
import { USERNAME_FIELD } from "../shared/user-fields.js";

type Row = Record<string, unknown>;

/**
 * Turns a failed user insert into the JSON error a client can act on. The insert runs the
 * onboarding trigger in the same Convex transaction, so its errors arrive here:
 * - a step's `ConvexError({ code })` → that code, with the plugin's status for it (else 400);
 * - the component's unique check on `username` (lost a race) → 409 `USERNAME_TAKEN`;
 * - anything else → 500 `ONBOARDING_FAILED`, the cause logged for the operator.
 */
export function userCreationError(error: unknown): APIError {
  const data = codedErrorData(error);
  if (data) {
    const message = typeof data.message === "string" ? data.message : data.code;
    return new APIError(statusOf(data.code), { ...data, code: data.code, message });
  }
  const message = error instanceof Error ? error.message : String(error);
  // @convex-dev/better-auth's unique check throws `user <field> already exists`.
  if (message.includes(`user ${USERNAME_FIELD} already exists`)) {
    return APIError.from(ERROR_STATUS.USERNAME_TAKEN, OTP_ONBOARDING_ERROR_CODES.USERNAME_TAKEN);
  }
  if (message.includes("user email already exists")) {
    return APIError.from(ERROR_STATUS.EMAIL_TAKEN, OTP_ONBOARDING_ERROR_CODES.EMAIL_TAKEN);
  }
  const schemaMismatch = userTableMismatch(message);
  if (schemaMismatch) {
    console.error(`[otp-onboarding] ${schemaMismatch}`);
    const { code } = OTP_ONBOARDING_ERROR_CODES.USER_TABLE_OUT_OF_DATE;
    return new APIError(ERROR_STATUS.USER_TABLE_OUT_OF_DATE, { code, message: schemaMismatch });
  }
  console.error("[otp-onboarding] creating the user failed:", message);
  return APIError.from(ERROR_STATUS.ONBOARDING_FAILED, OTP_ONBOARDING_ERROR_CODES.ONBOARDING_FAILED);
}

/**
 * What to change when the component's `user` table and the sign-up schema disagree (Convex's
 * validator names the field), or `undefined` for any other failure.
 */
export function userTableMismatch(message: string): string | undefined {
  // A deployment says "contains extra field `x`"; convex-test says "Unexpected field `x`".
  const extra = /(?:extra field|Unexpected field) `([^`]+)`/.exec(message)?.[1];
  if (extra) {
    return (
      `the sign-up field "${extra}" is not in the Better Auth component's user table: add it in ` +
      "convex/betterAuth/schema.ts (spread signUpUserFields(signUpFields) into the user table) and deploy"
    );
  }
  const unindexed = /index "([^"]+)" for table "user" because it is not declared/.exec(message)?.[1];
  if (unindexed) {
    return (
      `the Better Auth component's user table has no index "${unindexed}" for the sign-up field of that ` +
      "name: add it in convex/betterAuth/schema.ts (indexSignUpFields(userTable, signUpFields)) and deploy"
    );
  }
  const missing = /missing the required field `([^`]+)`/.exec(message)?.[1];
  if (missing) {
    return (
      `the Better Auth component's user table requires "${missing}", which the sign-up schema does not ` +
      "give: make it optional in convex/betterAuth/schema.ts, or add it to the sign-up fields"
    );
  }
  return undefined;
}

/** What the creation guard is told by the rest of the plugin. */
export type CreationGuardHooks = {
  /** Called after a consumed code was given back, so that the send limits treat it as fresh. */
  onCodeRestored?: (identifier: string) => Promise<void>;
  /** The error a new user of this request is refused with, if the sign-up checks found one. */
  refusal?: () => APIError | undefined;
};

/**
 * Wraps Better Auth's database adapter for one request so that a user insert that fails (its
 * onboarding threw, or the username was taken meanwhile) or is refused (its sign-up fields are
 * invalid) answers a clear JSON error instead of a bare 500, and gives back the code that this
 * request consumed just before: the code was right, so the person can fix the problem and submit
 * the same code again; a new one may be asked for at once too.
 */
export function guardUserCreation(
  adapter: DBAdapter,
  { onCodeRestored = async () => {}, refusal = () => undefined }: CreationGuardHooks = {},
): DBAdapter {
  let consumedCode: Row | undefined;

  const guard = <A extends DBTransactionAdapter>(inner: A): A => ({
    ...inner,
    async consumeOne<T>(args: Parameters<A["consumeOne"]>[0]) {
      const row = await inner.consumeOne<T>(args);
      if (args.model === "verification" && row) consumedCode = row as Row;
      return row;
    },
    async create(args) {
      if (args.model !== "user") return inner.create(args);
      const refused = refusal();
      if (refused && consumedCode) {
        await restoreConsumedCode(inner);
        throw refused;
      }
      try {
        return await inner.create(args);
      } catch (error) {
        await restoreConsumedCode(inner);
        throw userCreationError(error);
      }
    },
  });

  async function restoreConsumedCode(inner: DBTransactionAdapter) {
    if (!consumedCode) return;
    const { identifier, value, expiresAt } = consumedCode;
    consumedCode = undefined;
    await inner.create({ model: "verification", data: { identifier, value, expiresAt } });
    await onCodeRestored(identifier as string);
  }

  return wrapAdapter(adapter, guard);
}
