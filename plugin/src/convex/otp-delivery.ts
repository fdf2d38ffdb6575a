import { APIError } from "better-auth/api";
import { deliver } from "../mail/capture.js";
import { maskEmail, type OtpMail, type OtpSender } from "../mail/sender.js";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";

/**
 * Sends a code mail from the HTTP action, after the code was stored. Returns the client's answer
 * when the mail did not leave: the sender's own `APIError`, else 503 `OTP_DELIVERY_FAILED` (the
 * cause logged, the address masked, the code never).
 */
export async function deliverCode(sender: OtpSender, mail: OtpMail): Promise<APIError | undefined> {
  try {
    await deliver(sender, mail);
    return undefined;
  } catch (error) {
    if (error instanceof APIError) return error;
    const reason = error instanceof Error ? error.message : String(error);
    console.error(`[otp-onboarding] ${mail.type} code mail to ${maskEmail(mail.to)} not sent: ${reason}`);
    return APIError.from(ERROR_STATUS.OTP_DELIVERY_FAILED, OTP_ONBOARDING_ERROR_CODES.OTP_DELIVERY_FAILED);
  }
}
