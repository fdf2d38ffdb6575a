import { APIError } from "better-auth/api";
import type { Resend } from "resend";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";
import { mailRefused, maskEmail, type OtpMail, type OtpSender } from "./sender.js";
import { composeOtpMessage, type OtpMessage, type OtpMessageOverride } from "./message.js";
import { signUpNoticeMessage } from "./notice.js";

/** Options of {@link resendSender}. */
export type ResendSenderOptions = {
  /** A Resend API key (`re_...`), e.g. `process.env.RESEND_API_KEY`. Sending access is enough. */
  apiKey: string;
  /** The sender, on a domain verified at Resend: `"My App <codes@yourdomain.com>"`. */
  from: string;
  /**
   * Where replies go.
   * @default none (replies go to `from`)
   */
  replyTo?: string | undefined;
  /**
   * Changes the subject or bodies; receives the mail and the default message.
   * @default the plugin's message (`otpMessage`)
   */
  message?: OtpMessageOverride | undefined;
  /**
   * Milliseconds one attempt may take before it is abandoned.
   * @default 5000
   */
  timeoutMs?: number | undefined;
  /**
   * Milliseconds to wait before the one retry of a transient failure (timeout, network, 429, 5xx).
   * @default 250
   */
  retryDelayMs?: number | undefined;
  /**
   * The Resend API's address.
   * @default process.env.RESEND_BASE_URL, else "https://api.resend.com" (read by the SDK)
   */
  baseUrl?: string | undefined;
};

/** The outcome of one attempt that did not deliver. */
type Failure = { transient: boolean; reason: string };

// "codes@example.com" or "Name <codes@example.com>".
const FROM_PATTERN = /^(?:[^<>]*<\s*[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+\s*>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/;

const EMAIL_PATTERN = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+/g;

/** Refuses a configuration that cannot send, naming the fix; never echoes the key. */
function checkConfig(options: ResendSenderOptions) {
  if (typeof options.apiKey !== "string" || !/^re_\S+$/.test(options.apiKey)) {
    throw new Error(
      "resendSender: `apiKey` is not a Resend API key (they start with `re_`). Create one at https://resend.com/api-keys.",
    );
  }
  if (typeof options.from !== "string" || !FROM_PATTERN.test(options.from.trim())) {
    throw new Error(
      'resendSender: `from` must be a sender on a domain verified at Resend, e.g. "My App <codes@yourdomain.com>".',
    );
  }
  for (const [name, ms] of [["timeoutMs", options.timeoutMs], ["retryDelayMs", options.retryDelayMs]] as const) {
    if (ms !== undefined && !(Number.isFinite(ms) && ms >= (name === "timeoutMs" ? 1 : 0))) {
      throw new Error(`resendSender: \`${name}\` must be a number of milliseconds, got ${ms}.`);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends the codes through Resend with the official SDK. An attempt is abandoned after
 * `timeoutMs`; a transient failure is retried once after `retryDelayMs`, under the same
 * idempotency key so that Resend sends at most one mail. When the mail cannot be sent it throws
 * `OTP_DELIVERY_FAILED` (503 when Resend is unreachable or busy, 502 when it refused the mail),
 * and the plugin discards the code. The configuration is checked here, at start-up.
 *
 * ```ts
 * otpOnboarding({
 *   fields,
 *   sender: resendSender({ apiKey: process.env.RESEND_API_KEY!, from: "My App <codes@yourdomain.com>" }),
 * })
 * ```
 */
export function resendSender(options: ResendSenderOptions): OtpSender {
  checkConfig(options);
  const timeoutMs = options.timeoutMs ?? 5000;
  const retryDelayMs = options.retryDelayMs ?? 250;
  // The SDK loads on the first send: the code path that serves every other request (sign-in,
  // sessions) does not carry it, and the Convex bundler keeps it out of the HTTP entry chunk.
  let client: Promise<Resend> | undefined;
  const resendClient = () =>
    (client ??= import("resend").then(
      ({ Resend }) => new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ));
  const from = options.from.trim();

  async function attempt(mail: Pick<OtpMail, "to">, message: OtpMessage, idempotencyKey: string): Promise<Failure | undefined> {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The abort ends the request; the race bounds the wait even if a runtime ignores the signal.
    const timedOut = new Promise<Failure>((resolve) => {
      timer = setTimeout(() => {
        abort.abort();
        resolve({ transient: true, reason: `no answer within ${timeoutMs} ms` });
      }, timeoutMs);
    });
    const sent = resendClient()
      .then((resend) =>
        resend.emails.send(
          {
            from,
            to: mail.to,
            subject: message.subject,
            text: message.text,
            html: message.html,
            ...(options.replyTo ? { replyTo: options.replyTo } : {}),
          },
          { idempotencyKey, signal: abort.signal },
        ),
      )
      .then(({ error }): Failure | undefined => {
        if (!error) return undefined;
        const status = error.statusCode;
        // 409 concurrent_idempotent_requests: the previous attempt is still being processed.
        const transient =
          status == null || status === 429 || status >= 500 || error.name === "concurrent_idempotent_requests";
        // Resend's messages may quote the recipient; keep addresses masked in the logs.
        const text = String(error.message ?? "").replace(EMAIL_PATTERN, maskEmail);
        return { transient, reason: `${status ?? "no response"} ${error.name ?? "error"}: ${text}` };
      })
      .catch((error: unknown) => ({ transient: true, reason: String(error) }));
    try {
      return await Promise.race([sent, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One message to `to`, tried at most twice; `what` names it in the logs. */
  async function deliverMessage(what: string, to: string, message: OtpMessage) {
    // One message and one key for both attempts: Resend then sends at most one mail.
    const idempotencyKey = `otp-${crypto.randomUUID()}`;
    const masked = maskEmail(to);
    let failure = await attempt({ to }, message, idempotencyKey);
    if (failure?.transient) {
      console.warn(`[otp-onboarding] Resend: ${what} mail to ${masked} failed (${failure.reason}); retrying once`);
      await sleep(retryDelayMs);
      failure = await attempt({ to }, message, idempotencyKey);
    }
    if (!failure) return;
    console.error(`[otp-onboarding] Resend: ${what} mail to ${masked} not sent (${failure.reason})`);
    if (!failure.transient) throw mailRefused();
    throw APIError.from(ERROR_STATUS.OTP_DELIVERY_FAILED, OTP_ONBOARDING_ERROR_CODES.OTP_DELIVERY_FAILED);
  }

  return {
    name: `Resend (from ${from})`,
    send: (mail) => deliverMessage(`${mail.type} code`, mail.to, composeOtpMessage(mail, options.message)),
    notify: (notice) => deliverMessage(notice.kind, notice.to, signUpNoticeMessage(notice)),
  };
}
