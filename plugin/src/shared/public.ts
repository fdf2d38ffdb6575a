/**
 * What both entry points (server and browser) publish from `shared/`: the error codes to compare
 * with, and the email rule and issue shape that forms and the server agree on.
 */
export { OTP_ONBOARDING_ERROR_CODES, type OtpOnboardingErrorCode } from "./error-codes.js";
export { visibleText } from "./visible-text.js";
export {
  emailSchema,
  toSignUpIssues,
  type SignUpFieldsSchema,
  type SignUpIssue,
} from "./sign-up-schema.js";
