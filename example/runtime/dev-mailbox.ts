import { devMailbox, readDevMailbox, type CapturedMail } from "convex-otp-onboarding";

/** Whether the app's auth options send codes through `devMailbox()`, so that a local mailbox exists. */
export function usesDevMailbox(authOptions: { plugins?: readonly unknown[] }): boolean {
  const devName = devMailbox().name;
  return (authOptions.plugins ?? []).some((plugin) => {
    const sender = (plugin as { options?: { sender?: { name?: string } } }).options?.sender;
    return sender?.name === devName;
  });
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function mailItem(mail: CapturedMail) {
  const sentAt = new Date(mail.sentAt).toISOString();
  return `<li class="mail">
  <div class="meta"><span class="to">${escapeHtml(mail.to)}</span><time datetime="${sentAt}">${escapeHtml(
    new Date(mail.sentAt).toLocaleTimeString("en-GB"),
  )}</time></div>
  <div class="subject">${escapeHtml(mail.subject)}</div>
  <div class="code" aria-label="code">${escapeHtml(mail.otp)}</div>
</li>`;
}

/** The mailbox as a page: every code mail, newest first; it reloads itself every few seconds. */
export function mailboxPage(): Response {
  const mails = readDevMailbox();
  const list = mails.length
    ? `<ol class="mails">${mails.map(mailItem).join("\n")}</ol>`
    : `<p class="empty">No mail yet. Ask for a code in the app and it shows up here.</p>`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5">
<title>Dev mailbox</title>
<style>
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; background: #f5f6f8; color: #1d2330; }
  main { max-width: 40rem; margin: 3rem auto; padding: 0 1.25rem; }
  h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
  .lead { color: #5b6373; margin: 0 0 1.5rem; }
  .mails { list-style: none; margin: 0; padding: 0; display: grid; gap: .75rem; }
  .mail { background: #fff; border: 1px solid #e2e5eb; border-radius: 12px; padding: 1rem 1.25rem; }
  .meta { display: flex; justify-content: space-between; color: #5b6373; font-size: .875rem; }
  .subject { margin: .35rem 0 .5rem; font-weight: 600; }
  .code { font: 600 1.75rem/1.2 ui-monospace, SFMono-Regular, Menlo, monospace; letter-spacing: .2em; }
  .empty { background: #fff; border: 1px dashed #c9ced8; border-radius: 12px; padding: 2rem; text-align: center; color: #5b6373; }
  a { color: #3451d1; }
</style>
</head>
<body>
<main>
  <h1>Dev mailbox</h1>
  <p class="lead">Codes the local runtime would have mailed, newest first. Only in development; data is in memory.
  <a href="/">Back to the app</a></p>
  ${list}
</main>
</body>
</html>`;
  return new Response(html, {
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

/** `GET /dev/mailbox.json`: `[{ to, subject, otp, type, sentAt }]`, newest first. */
export function mailboxJson(): Response {
  return new Response(JSON.stringify(readDevMailbox()), {
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}
