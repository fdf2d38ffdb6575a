import { OTP_CLIENT_ERROR_CODES as codes } from "convex-otp-onboarding/client";

/** What a failed Better Auth call answers: its code and message, and the details some carry. */
export type AuthError = {
  code?: string;
  message?: string;
  status?: number;
  issues?: { path: string; message: string }[];
  /** `INVALID_OTP`: wrong tries this code has left; at 0 it no longer works. */
  triesLeft?: number;
  /** `429 RATE_LIMITED`: seconds to wait before asking for a code again. */
  retryAfter?: number;
};

/** A sentence a person can act on, for the errors of the code step. */
export function codeErrorMessage(error: AuthError): string {
  switch (error.code) {
    case codes.INVALID_OTP.code:
      return wrongCodeMessage(error.triesLeft);
    case codes.OTP_EXPIRED.code:
      return "This code has expired. Send a new one.";
    case codes.TOO_MANY_ATTEMPTS.code:
      return "Too many wrong tries: this code no longer works. Send a new one.";
    case codes.USERNAME_TAKEN.code:
      return "Someone just took that username. Go back and choose another.";
    case codes.ONBOARDING_FAILED.code:
      return "Your account could not be set up. Please try again.";
    case codes.INVITE_INVALID.code:
      return "That invite code does not work. Go back and check it.";
    case codes.SIGN_UP_CLOSED.code:
      return "New accounts need an invite here. Go back and enter one.";
    case codes.OTP_DELIVERY_FAILED.code:
      return "The code could not be sent. Try again in a moment.";
    default:
      return error.status === 429
        ? "Too many requests. Wait a minute and try again."
        : (error.message ?? "Something went wrong. Please try again.");
  }
}

function wrongCodeMessage(triesLeft: number | undefined): string {
  if (triesLeft === undefined) return "That code is not right. Check the latest mail and try again.";
  if (triesLeft === 0) return "That code is not right, and that was its last try: it no longer works. Send a new one.";
  return `That code is not right. ${triesLeft} ${triesLeft === 1 ? "try" : "tries"} left.`;
}

/** Shown while a "too soon" wait counts down on the button. */
export const WAIT_NOTICE = "A new code cannot be sent just yet: the button shows when it can.";

export { codes };

/** Whether the code can no longer work and only a new one helps. */
export const needsNewCode = (error: AuthError) =>
  error.code === codes.OTP_EXPIRED.code ||
  error.code === codes.TOO_MANY_ATTEMPTS.code ||
  (error.code === codes.INVALID_OTP.code && error.triesLeft === 0);
