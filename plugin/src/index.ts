/**
 * `convex-otp-onboarding`: the Better Auth plugin (runs where Better Auth runs: your Convex HTTP
 * actions) and the code senders it delivers with.
 */
export { otpOnboarding, type UserFieldsOf } from "./server/plugin.js";
export type { Budget, ConvexCtx, OtpLimits, OtpOnboardingOptions } from "./server/options.js";
export { FRESH_CODE_ACTIONS, OPTIONAL_ROUTES, type FreshCodeAction, type OptionalRoute } from "./server/routes.js";
export { keyedOtpHash, type OtpStorage } from "./server/codes.js";
export {
  allowlistEntry,
  normalizeInviteCode,
  type ReviewAccount,
  type SignUpMode,
  type SignUpPolicy,
} from "./server/sign-up-policy.js";

export { devMailbox, readDevMailbox, type DevMailboxOptions } from "./mail/dev-mailbox.js";
export { resendSender, type ResendSenderOptions } from "./mail/resend.js";
export { signUpNoticeMessage, type SignUpNotice, type SignUpNoticeKind } from "./mail/notice.js";
export {
  otpMessage,
  otpSubject,
  type OtpMessage,
  type OtpMessageOverride,
} from "./mail/message.js";
export {
  mailRefused,
  maskEmail,
  type CapturedMail,
  type FreshCodePurpose,
  type OtpMail,
  type OtpSender,
  type OtpType,
} from "./mail/sender.js";

export { ERROR_STATUS } from "./shared/error-codes.js";
export * from "./shared/public.js";
