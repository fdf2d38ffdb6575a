import type { GenericEndpointContext, HookEndpointContext } from "@better-auth/core";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { deliver } from "../mail/capture.js";
import { maskEmail, type OtpMail, type OtpSender, type OtpType } from "../mail/sender.js";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";

/** The key under which Better Auth's emailOTP stores the code just sent to `email`. */
function otpIdentifier(type: OtpType, email: string, ctx: GenericEndpointContext) {
  if (type !== "change-email") return `${type}-otp-${email}`;
  // A change-email code is keyed by the current and the new address.
  const current = ctx.context.session?.user.email.toLowerCase();
  return current ? `change-email-otp-${current}-${email}` : undefined;
}

/** The client's answer for a failed delivery: the sender's own `APIError`, else a 503. */
function deliveryError(error: unknown, mail: OtpMail): APIError {
  if (error instanceof APIError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`[otp-onboarding] ${mail.type} code mail to ${maskEmail(mail.to)} not sent: ${reason}`);
  return APIError.from(ERROR_STATUS.OTP_DELIVERY_FAILED, OTP_ONBOARDING_ERROR_CODES.OTP_DELIVERY_FAILED);
}

/**
 * Makes a failed delivery visible and harmless. emailOTP stores the code before it calls
 * `sendVerificationOTP`, and swallows what that throws (it only logs it), so the guard:
 * - deletes the stored code when the mail did not leave: nobody can use a code nobody received;
 * - remembers the error for this request, and an after hook answers it as JSON
 *   (`OTP_DELIVERY_FAILED`, 502/503) instead of the route's `{ success: true }`.
 */
export function guardDelivery(sender: OtpSender) {
  // Keyed by the request's auth context: one object per request, shared by its endpoint and hooks.
  const failures = new WeakMap<object, APIError>();

  async function sendVerificationOTP(mail: OtpMail, ctx?: GenericEndpointContext) {
    try {
      await deliver(sender, mail);
    } catch (error) {
      if (!ctx) throw error;
      failures.set(ctx.context, deliveryError(error, mail));
      const identifier = otpIdentifier(mail.type, mail.to, ctx);
      if (identifier) await ctx.context.internalAdapter.deleteVerificationByIdentifier(identifier);
    }
  }

  const answerFailure = {
    matcher: (ctx: HookEndpointContext) => failures.has(ctx.context),
    handler: createAuthMiddleware(async (ctx) => {
      const error = failures.get(ctx.context);
      failures.delete(ctx.context);
      throw error;
    }),
  };

  return { sendVerificationOTP, answerFailure };
}
