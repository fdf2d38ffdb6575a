/** What a code is for, as Better Auth's emailOTP names it. */
export type OtpType = "sign-in" | "email-verification" | "forget-password" | "change-email";

/** One code to deliver. `otp` is the only place the plain code exists; never log or store it. */
export type OtpMail = {
  to: string;
  otp: string;
  type: OtpType;
  /** How long the code stays valid, in minutes. */
  expiresInMinutes: number;
  appName: string;
};

/**
 * Delivers codes. `name` says in logs which sender is active (never a key). `send` resolves once
 * the mail is accepted; when it throws, the plugin discards the code and answers
 * `OTP_DELIVERY_FAILED` (503, or the status of an `APIError` it throws). Keep it bounded in time.
 *
 * ```ts
 * const postmark: OtpSender = {
 *   name: "Postmark",
 *   async send(mail) {
 *     const { subject, text, html } = otpMessage(mail);
 *     await postmarkClient.sendEmail({ From: "codes@acme.dev", To: mail.to, Subject: subject, TextBody: text, HtmlBody: html });
 *   },
 * };
 * ```
 */
export type OtpSender = {
  name: string;
  send(mail: OtpMail): Promise<void>;
};

/** A mail kept by the dev mailbox or captured by the test kit. */
export type CapturedMail = {
  to: string;
  subject: string;
  otp: string;
  type: OtpType;
  sentAt: number;
};

/** `ann@example.com` → `a***@example.com`: enough to follow a mail in the logs, not to read it. */
export function maskEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return `${local.slice(0, 1)}***@${domain}`;
}
