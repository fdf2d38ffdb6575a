import { APIError } from "better-auth/api";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";
import type { SignUpIssue } from "../shared/sign-up-schema.js";

/** The HTTP error for bad sign-up input: 400 `INVALID_SIGNUP_PARAMS` with one issue per field. */
export function invalidSignUpParams(issues: SignUpIssue[]): APIError {
  const { code, message } = OTP_ONBOARDING_ERROR_CODES.INVALID_SIGNUP_PARAMS;
  return new APIError(ERROR_STATUS.INVALID_SIGNUP_PARAMS, { code, message, issues });
}

/** 409 `USERNAME_TAKEN`. */
export const usernameTakenError = () =>
  APIError.from(ERROR_STATUS.USERNAME_TAKEN, OTP_ONBOARDING_ERROR_CODES.USERNAME_TAKEN);
