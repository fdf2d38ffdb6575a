import type { OtpMail, OtpType } from "./sender.js";

/** What a code mail says: a subject, a plain-text body and an HTML body with the same words. */
export type OtpMessage = { subject: string; text: string; html: string };

/**
 * Changes the mail a sender writes. Receives the mail to send and the default message; returns
 * the parts to replace (e.g. only `subject`).
 *
 * ```ts
 * resendSender({ apiKey, from, message: (mail) => ({ subject: `${mail.otp} is your code` }) })
 * ```
 */
export type OtpMessageOverride = (
  mail: OtpMail,
  defaults: OtpMessage,
) => { [Part in keyof OtpMessage]?: OtpMessage[Part] | undefined };

// What the code lets the reader do, completing "Use it to ...".
const PURPOSE: Record<OtpType, (appName: string) => string> = {
  "sign-in": (app) => `sign in to ${app}`,
  "email-verification": (app) => `verify your email address for ${app}`,
  "forget-password": (app) => `reset your ${app} password`,
  "change-email": (app) => `confirm your new email address for ${app}`,
  "delete-account": (app) => `delete your ${app} account for good`,
  "confirm-email-change": (app) => `change the email address of your ${app} account`,
};

/** The subject line of a code mail. The code stays out of it: subjects show in lock screens and logs. */
export function otpSubject(mail: Pick<OtpMail, "appName" | "type">): string {
  const purpose = mail.type === "sign-in" ? "sign-in" : "verification";
  return `Your ${mail.appName} ${purpose} code`;
}

const validity = (minutes: number) => (minutes === 1 ? "1 minute" : `${minutes} minutes`);

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The default code mail: the code, how long it is valid, the app's name and what to do if the
 * reader did not ask for it; and, when the mail has one, the link that fills the code in on the
 * app's own page (nothing is done until the reader confirms there). No images, nothing to track.
 */
export function otpMessage(mail: OtpMail): OtpMessage {
  const purpose = PURPOSE[mail.type](mail.appName);
  const valid = validity(mail.expiresInMinutes);
  const ignore = "If you did not ask for this code, ignore this email: nobody can use it without access to your inbox.";
  const linkText = "Or open this link on the device you asked from, and confirm there:";

  const text = [
    `Your code to ${purpose}:`,
    "",
    `    ${mail.otp}`,
    "",
    ...(mail.link ? [linkText, "", `    ${mail.link}`, ""] : []),
    `It is valid for ${valid} and works once. Never share it: ${mail.appName} will never ask you for it.`,
    "",
    ignore,
    "",
    `— ${mail.appName}`,
  ].join("\n");
  const linkHtml = mail.link
    ? `\n      <p style="margin:0 0 16px;font-size:14px">${escapeHtml(linkText)} <a href="${escapeHtml(mail.link)}" style="color:#1a56db">${escapeHtml(mail.link)}</a></p>`
    : "";

  const app = escapeHtml(mail.appName);
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(otpSubject(mail))}</title>
  </head>
  <body style="margin:0;padding:24px;background:#f6f6f6;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1a1a1a">
    <div style="max-width:480px;margin:0 auto;padding:32px;background:#ffffff;border-radius:8px">
      <p style="margin:0 0 16px;font-size:16px">Your code to ${escapeHtml(purpose)}:</p>
      <p style="margin:0 0 16px;font-size:32px;font-weight:700;letter-spacing:6px;font-family:ui-monospace,Menlo,Consolas,monospace">${escapeHtml(mail.otp)}</p>${linkHtml}
      <p style="margin:0 0 16px;font-size:14px">It is valid for ${valid} and works once. Never share it: ${app} will never ask you for it.</p>
      <p style="margin:0 0 16px;font-size:14px;color:#555555">${escapeHtml(ignore)}</p>
      <p style="margin:0;font-size:14px;color:#555555">— ${app}</p>
    </div>
  </body>
</html>`;

  return { subject: otpSubject(mail), text, html };
}

/** The default message with `override`'s parts laid over it. */
export function composeOtpMessage(mail: OtpMail, override?: OtpMessageOverride): OtpMessage {
  const defaults = otpMessage(mail);
  if (!override) return defaults;
  const parts = Object.entries(override(mail, defaults)).filter(([, value]) => value !== undefined);
  return { ...defaults, ...Object.fromEntries(parts) };
}
