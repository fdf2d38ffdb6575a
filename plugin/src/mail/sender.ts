import { APIError } from "better-auth/api";
import { OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";
import type { SignUpNotice, SignUpNoticeKind } from "./notice.js";

/**
 * What a code for the signed-in account's own address confirms: deleting the account, or asking to
 * change its email (see the `freshSessionWindow` option).
 */
export type FreshCodePurpose = "delete-account" | "confirm-email-change";

/** What a code is for: Better Auth's emailOTP purposes, and the plugin's fresh codes. */
export type OtpType = "sign-in" | "email-verification" | "forget-password" | "change-email" | FreshCodePurpose;

/** One code to deliver. `otp` is the only place the plain code exists; never log or store it. */
export type OtpMail = {
  to: string;
  otp: string;
  type: OtpType;
  /** How long the code stays valid, in minutes. */
  expiresInMinutes: number;
  appName: string;
  /**
   * A link that opens the app with the address and code in its fragment, to confirm with one press
   * (absent when the `codeLink` option is off). The fragment never reaches a server, so a mail
   * scanner that fetches the link neither sees the code nor uses it.
   */
  link?: string | undefined;
};

/**
 * Delivers codes. `name` says in logs which sender is active (never a key). `send` resolves once
 * the mail is accepted; when it throws, the plugin discards the code and answers
 * `OTP_DELIVERY_FAILED` (503, or the status of an `APIError` it throws). A failure may pass: the
 * person can ask again at once. Throw {@link mailRefused} when the provider refused the mail for
 * good: the person then waits as after a sent code. Keep it bounded in time.
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
  /**
   * Delivers what the sign-up policy tells a person instead of a code (on the waitlist, sign-ups
   * closed, an invite). Needed when `signUp.mode` is not `"open"`; `devMailbox()` and
   * `resendSender()` have it (see `signUpNoticeMessage` for the default words).
   */
  notify?(notice: SignUpNotice): Promise<void>;
};

/** A mail kept by the dev mailbox or captured by the test kit. */
export type CapturedMail = {
  to: string;
  subject: string;
  /** The code; for a sign-up notice, its invite code or `""`. */
  otp: string;
  type: OtpType | SignUpNoticeKind;
  /** The mail's link, when it has one (see {@link OtpMail.link}). */
  link?: string | undefined;
  sentAt: number;
};

/** `ann@example.com` → `a***@example.com`: enough to follow a mail in the logs, not to read it. */
export function maskEmail(email: string): string {
  const [local = "", domain = ""] = email.split("@");
  return `${local.slice(0, 1)}***@${domain}`;
}

/**
 * What a sender throws when the provider refused the mail for good: a 4xx that retrying cannot
 * fix (a malformed or suppressed address, a sender the provider does not accept). The route
 * answers 502 `OTP_DELIVERY_FAILED` and, unlike after a failure that may pass, the wait before
 * another code for that mailbox is not lifted: asking again at once would be refused again.
 *
 * ```ts
 * if (response.status === 422) throw mailRefused();
 * ```
 */
export function mailRefused(): APIError {
  return APIError.from("BAD_GATEWAY", OTP_ONBOARDING_ERROR_CODES.OTP_DELIVERY_FAILED);
}

/** Whether a sender's failure is {@link mailRefused}: recognised by its status, not its class. */
export function isMailRefused(error: unknown): boolean {
  return error instanceof Error && (error as { statusCode?: unknown }).statusCode === 502;
}
