import type { OtpMessage } from "./message.js";

/**
 * What the sign-up policy tells a person by mail instead of sending a code, so that the HTTP answer
 * stays the same as for a registered address:
 * - `waitlisted`: the address is on the waitlist;
 * - `sign-up-closed`: no account can be made for it (not on the allowlist, no invite);
 * - `invited`: an invite code for it (a waitlist entry was approved).
 */
export type SignUpNoticeKind = "waitlisted" | "sign-up-closed" | "invited";

/** One notice to deliver. `inviteCode` (for `invited`) is a secret: never log or store it. */
export type SignUpNotice = {
  kind: SignUpNoticeKind;
  to: string;
  appName: string;
  /** The invite code, for `invited`. */
  inviteCode?: string | undefined;
  /** A link that opens the sign-up form with the invite filled in, for `invited` when configured. */
  inviteUrl?: string | undefined;
};

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The subject and paragraphs of each notice. */
function wordsOf(notice: SignUpNotice): { subject: string; lines: string[] } {
  const app = notice.appName;
  const ignore = "If you did not ask for this, ignore this email.";
  switch (notice.kind) {
    case "waitlisted":
      return {
        subject: `You are on the ${app} waitlist`,
        lines: [`Thanks for your interest in ${app}: your address is on the waitlist.`, "We will email you an invite as soon as a place is free.", ignore],
      };
    case "sign-up-closed":
      return {
        subject: `Signing up to ${app}`,
        lines: [`${app} is not open to new accounts for this address: you need an invite from someone who uses it.`, ignore],
      };
    case "invited":
      return {
        subject: `Your invite to ${app}`,
        lines: [
          `You are invited to ${app}. Your invite code:`,
          `    ${notice.inviteCode ?? ""}`,
          ...(notice.inviteUrl ? [`Or open ${notice.inviteUrl}`] : []),
          "Enter it when you create your account with this address.",
          ignore,
        ],
      };
  }
}

/** The default notice mail: a subject, a plain-text body and an HTML body with the same words. */
export function signUpNoticeMessage(notice: SignUpNotice): OtpMessage {
  const { subject, lines } = wordsOf(notice);
  const text = [...lines.flatMap((line) => [line, ""]), `— ${notice.appName}`].join("\n");
  const paragraphs = lines
    .map((line) => `<p style="margin:0 0 16px;font-size:16px">${escapeHtml(line.trim())}</p>`)
    .join("\n      ");
  const html = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
  <body style="margin:0;padding:24px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1a1a1a">
    <div style="max-width:480px;margin:0 auto">
      ${paragraphs}
      <p style="margin:0;font-size:14px;color:#555555">— ${escapeHtml(notice.appName)}</p>
    </div>
  </body>
</html>`;
  return { subject, text, html };
}
