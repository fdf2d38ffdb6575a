import type { DBAdapter, DBTransactionAdapter } from "better-auth";
import { APIError } from "better-auth/api";
import { wrapAdapter } from "./adapter-wrap.js";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES, statusOf } from "./error-codes.js";
import { USERNAME_FIELD } from "./user-fields.js";

type Row = Record<string, unknown>;

/** The `data` of a `ConvexError`, if `error` is one (checked by shape: it may come from another copy of convex). */
function convexErrorData(error: unknown): Row | undefined {
  if (error === null || typeof error !== "object" || !("data" in error)) return undefined;
  const data = (error as { data: unknown }).data;
  return data !== null && typeof data === "object" ? (data as Row) : undefined;
}

/**
 * Turns a failed user insert into the JSON error a client can act on. The insert runs the
 * onboarding trigger in the same Convex transaction, so its errors arrive here:
 * - a step's `ConvexError({ code })` → that code, with the plugin's status for it (else 400);
 * - the component's unique check on `username` (lost a race) → 409 `USERNAME_TAKEN`;
 * - anything else → 500 `ONBOARDING_FAILED`, the cause logged for the operator.
 */
export function userCreationError(error: unknown): APIError {
  const data = convexErrorData(error);
  if (typeof data?.code === "string") {
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
  console.error("[otp-onboarding] creating the user failed:", message);
  return APIError.from(ERROR_STATUS.ONBOARDING_FAILED, OTP_ONBOARDING_ERROR_CODES.ONBOARDING_FAILED);
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
