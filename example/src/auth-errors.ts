import { OTP_CLIENT_ERROR_CODES as codes } from "convex-otp-onboarding/client";

/** What a failed Better Auth call answers: its code and message, and the bad fields if any. */
export type AuthError = {
  code?: string;
  message?: string;
  status?: number;
  issues?: { path: string; message: string }[];
};

/** A sentence a person can act on, for the errors of the code step. */
export function codeErrorMessage(error: AuthError): string {
  switch (error.code) {
    case codes.INVALID_OTP.code:
      return "That code is not right. Check the latest mail and try again.";
    case codes.OTP_EXPIRED.code:
      return "This code has expired. Send a new one.";
    case codes.TOO_MANY_ATTEMPTS.code:
      return "Too many wrong tries for this code. Send a new one.";
    case codes.USERNAME_TAKEN.code:
      return "Someone just took that username. Go back and choose another.";
    case codes.ONBOARDING_FAILED.code:
      return "Your account could not be set up. Please try again.";
    case codes.OTP_DELIVERY_FAILED.code:
      return "The code could not be sent. Try again in a moment.";
    default:
      return error.status === 429
        ? "Too many requests. Wait a minute and try again."
        : (error.message ?? "Something went wrong. Please try again.");
  }
}

export { codes };

/** Whether the code can no longer work and only a new one helps. */
export const needsNewCode = (error: AuthError) =>
  error.code === codes.OTP_EXPIRED.code || error.code === codes.TOO_MANY_ATTEMPTS.code;
