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
});

export type OtpOnboardingErrorCode = keyof typeof OTP_ONBOARDING_ERROR_CODES;
