/**
 * Which sender delivers the codes, chosen once from the deployment's environment:
 * - `RESEND_API_KEY` set: Resend, from `RESEND_FROM` (`RESEND_BASE_URL` points the SDK elsewhere,
 *   `RESEND_TIMEOUT_MS` bounds each attempt);
 * - otherwise: the dev mailbox, which keeps mails in memory (`OTP_PRINT_CODES=1` prints codes,
 *   `OTP_LOG_ADDRESSES=1` logs full addresses instead of masked ones; `npm start` sets both).
 */
import { devMailbox, resendSender, type OtpSender } from "convex-otp-onboarding";

function chooseSender(env: NodeJS.ProcessEnv): OtpSender {
  if (!env.RESEND_API_KEY) {
    return devMailbox({
      printCodes: env.OTP_PRINT_CODES === "1",
      logAddresses: env.OTP_LOG_ADDRESSES === "1",
    });
  }
  if (!env.RESEND_FROM) {
    throw new Error(
      'RESEND_API_KEY is set but RESEND_FROM is not: run `npx convex env set RESEND_FROM "My App <codes@yourdomain.com>"`',
    );
  }
  const timeoutMs = env.RESEND_TIMEOUT_MS ? Number(env.RESEND_TIMEOUT_MS) : undefined;
  return resendSender({ apiKey: env.RESEND_API_KEY, from: env.RESEND_FROM, timeoutMs });
}

/** The sender of this deployment's codes. */
export const otpSender = chooseSender(process.env);

// Once per start-up, so the operator sees where codes go (never the key).
console.log(`[otp-onboarding] codes are sent with ${otpSender.name}`);
