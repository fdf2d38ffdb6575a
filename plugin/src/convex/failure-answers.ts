import { APIError } from "better-auth/api";
import { codedErrorData } from "../shared/convex-error.js";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES, statusOf } from "../shared/error-codes.js";
import { USERNAME_FIELD } from "../shared/user-fields.js";
import { RollBack } from "../server/rollback.js";

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

/**
 * The JSON answer for a request whose mutation failed and rolled back. Such failures arrive from the
 * user's insert (its onboarding trigger runs in the same transaction) or from the plugin itself:
 * - a deliberate rollback (`RollBack`) → its own answer;
 * - a step's `ConvexError({ code })` (recognised by shape) → that code, with the plugin's status for
 *   it, else 400;
 * - the component's unique check on `username` or `email` (lost a race) → 409 `USERNAME_TAKEN`,
 *   `EMAIL_TAKEN`;
 * - a user table that lags behind the sign-up schema → 500 `USER_TABLE_OUT_OF_DATE`, naming the fix;
 * - anything else → 500 `INTERNAL_ERROR`, the cause logged for the operator.
 */
export function answerForFailure(error: unknown): APIError {
  if (error instanceof RollBack) return error.answer;
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
  console.error("[otp-onboarding] the auth request failed and was rolled back:", error);
  return APIError.from(ERROR_STATUS.INTERNAL_ERROR, OTP_ONBOARDING_ERROR_CODES.INTERNAL_ERROR);
}
