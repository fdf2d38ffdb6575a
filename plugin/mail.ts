import { otpSubject } from "./otp-mail.js";

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

// Kept on globalThis so that every copy of this module (bundles, test runners) sees one mailbox.
const MAILBOX = Symbol.for("convex-otp-onboarding/dev-mailbox");
const CAPTURE = Symbol.for("convex-otp-onboarding/mail-capture");
type Globals = typeof globalThis & {
  [MAILBOX]?: CapturedMail[];
  [CAPTURE]?: (mail: OtpMail) => void;
};
const globals = globalThis as Globals;

/** The dev mailbox's mails, newest first. Empty unless `devMailbox()` is the active sender. */
export function readDevMailbox(): CapturedMail[] {
  return [...(globals[MAILBOX] ?? [])].reverse();
}

/**
 * A sender for development: keeps every mail in an in-memory mailbox (see `readDevMailbox`) and
 * logs that a code was sent. The code itself is printed only when `printCodes` is set and
 * `NODE_ENV` is not `production`.
 *
 * ```ts
 * otpOnboarding({ fields, sender: devMailbox({ printCodes: true }) })
 * ```
 */
export function devMailbox(options: { printCodes?: boolean } = {}): OtpSender {
  return {
    name: "dev mailbox",
    async send(mail) {
      const mailbox = (globals[MAILBOX] ??= []);
      mailbox.push({
        to: mail.to,
        subject: otpSubject(mail),
        otp: mail.otp,
        type: mail.type,
        sentAt: Date.now(),
      });
      const showCode = options.printCodes === true && process.env.NODE_ENV !== "production";
      console.log(
        `[dev mailbox] ${mail.type} code for ${maskEmail(mail.to)}` +
          (showCode ? `: ${mail.otp}` : " (open the dev mailbox to read it)"),
      );
    },
  };
}

/**
 * Routes every code to `sink` instead of the configured sender, until the returned function is
 * called. The test kit uses it so that tests read codes without any network.
 */
export function captureMail(sink: (mail: OtpMail) => void): () => void {
  globals[CAPTURE] = sink;
  return () => {
    if (globals[CAPTURE] === sink) delete globals[CAPTURE];
  };
}

/** Sends through the capture sink when one is installed, else through `sender`. */
export async function deliver(sender: OtpSender, mail: OtpMail): Promise<void> {
  const sink = globals[CAPTURE];
  if (sink) return sink(mail);
  await sender.send(mail);
}
