import { defineErrorCodes } from "@better-auth/core/utils/error-codes";

/**
 * Every error code the plugin answers with, defined once. The HTTP routes send them as
 * `{ code, message }`; the client plugin exposes them as `$ERROR_CODES`; Convex functions throw
 * them as `ConvexError({ code, message })`.
 */
export const OTP_ONBOARDING_ERROR_CODES = defineErrorCodes({
  INVALID_SIGNUP_PARAMS: "Invalid sign-up parameters",
  USERNAME_TAKEN: "Username is already taken",
  EMAIL_TAKEN: "Email is already registered",
  ONBOARDING_FAILED: "Could not set up the new account, please try again",
  FORBIDDEN: "You are not allowed to do this",
  OTP_DELIVERY_FAILED: "Could not send the code, please try again in a moment",
  RATE_LIMITED: "Too many requests, please try again later",
  // Same code and message as Better Auth's emailOTP uses for one code's attempts.
  TOO_MANY_ATTEMPTS: "Too many attempts",
  USER_TABLE_OUT_OF_DATE: "The user table does not match the sign-up fields",
  NOT_SERVED_BY_PLUGIN: "This route is served by registerOtpRoutes only",
  UNKNOWN_FIELD: "The request has fields this route does not take",
  BODY_TOO_LARGE: "The request body is too large",
  INVALID_BODY: "The request body is not a JSON object of the expected depth",
  NOT_FOUND: "Not found",
  INTERNAL_ERROR: "Something went wrong, please try again",
  // Same codes and messages as Better Auth's own origin check.
  INVALID_ORIGIN: "Invalid origin",
  INVALID_CALLBACK_URL: "Invalid callbackURL",
  FRESH_CODE_REQUIRED: "Confirm with the code sent to your email address",
  NO_PASSWORD_SIGN_IN: "This account signs in without a password",
  // The sign-up policy: an invite code's own validity is the one thing answered directly.
  INVITE_INVALID: "This invite code is not valid",
  SIGN_UP_CLOSED: "New accounts cannot be created for this address",
});

export type OtpOnboardingErrorCode = keyof typeof OTP_ONBOARDING_ERROR_CODES;

/** The HTTP status each code is answered with; a consumer's own step codes answer 400. */
export const ERROR_STATUS = {
  INVALID_SIGNUP_PARAMS: "BAD_REQUEST",
  USERNAME_TAKEN: "CONFLICT",
  EMAIL_TAKEN: "CONFLICT",
  ONBOARDING_FAILED: "INTERNAL_SERVER_ERROR",
  FORBIDDEN: "FORBIDDEN",
  // A mail the provider refused (4xx: a configuration problem) answers 502 instead.
  OTP_DELIVERY_FAILED: "SERVICE_UNAVAILABLE",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  TOO_MANY_ATTEMPTS: "FORBIDDEN",
  // A deployment whose component schema lags behind the sign-up fields: the operator's to fix.
  USER_TABLE_OUT_OF_DATE: "INTERNAL_SERVER_ERROR",
  // The app's wiring skips the one-transaction path: the operator's to fix.
  NOT_SERVED_BY_PLUGIN: "INTERNAL_SERVER_ERROR",
  UNKNOWN_FIELD: "BAD_REQUEST",
  BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  INVALID_BODY: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  INTERNAL_ERROR: "INTERNAL_SERVER_ERROR",
  INVALID_ORIGIN: "FORBIDDEN",
  INVALID_CALLBACK_URL: "FORBIDDEN",
  // The session is older than the fresh-code window and no code came with the request.
  FRESH_CODE_REQUIRED: "FORBIDDEN",
  NO_PASSWORD_SIGN_IN: "BAD_REQUEST",
  // Unknown, used up, revoked, expired, or bound to another address: all alike.
  INVITE_INVALID: "BAD_REQUEST",
  // Answered only where it reveals nothing (after a right code); elsewhere the mail says it.
  SIGN_UP_CLOSED: "FORBIDDEN",
} as const satisfies Record<OtpOnboardingErrorCode, string>;

/** The status for any error code, the plugin's or a consumer's. */
export function statusOf(code: string): (typeof ERROR_STATUS)[OtpOnboardingErrorCode] {
  return Object.hasOwn(ERROR_STATUS, code)
    ? ERROR_STATUS[code as OtpOnboardingErrorCode]
    : "BAD_REQUEST";
}
