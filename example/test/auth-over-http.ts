/**
 * Signs people up and in against the running runtime the way the browser app does: over the
 * real Better Auth routes, with the code read from the dev mailbox and the session kept as a cookie.
 */
import { fetchFrom, freshLoopbackAddress } from "./loopback-client.js";

type Mail = { to: string; subject: string; otp: string; type: string; link?: string; sentAt: number };

/** The dev mailbox's mails, newest first. */
export async function mailbox(base: string): Promise<Mail[]> {
  return (await fetch(`${base}/dev/mailbox.json`)).json();
}

/** The newest code mailed to `email`. */
export async function latestCode(base: string, email: string): Promise<string> {
  const mail = (await mailbox(base)).find((item) => item.to === email.toLowerCase());
  if (!mail) throw new Error(`no mail for ${email} in the dev mailbox`);
  return mail.otp;
}

/**
 * POSTs JSON to a Better Auth route from the app's origin, as a client of its own (a loopback
 * address no other call used), so that tests sharing one runtime never share a per-IP budget.
 */
export function postAuth(base: string, route: string, body: unknown, cookie?: string) {
  return fetchFrom(freshLoopbackAddress())(`${base}/api/auth${route}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

/** A unique email per call, so that tests sharing one runtime never meet. */
export const uniqueEmail = (name: string) =>
  `${name}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;

/**
 * Asks for a code and signs in with it; `fields` are the sign-up fields of a new account.
 * Returns the session cookie and a Convex JWT from `/api/auth/convex/token`.
 */
export async function signInOverHttp(base: string, email: string, fields: Record<string, unknown> = {}) {
  const sent = await postAuth(base, "/email-otp/send-verification-otp", { email, type: "sign-in" });
  if (!sent.ok) throw new Error(`send code: ${sent.status} ${await sent.text()}`);
  const otp = await latestCode(base, email);
  const signedIn = await postAuth(base, "/sign-in/email-otp", { email, otp, ...fields });
  if (!signedIn.ok) throw new Error(`sign in: ${signedIn.status} ${await signedIn.text()}`);
  const cookie = signedIn.headers
    .getSetCookie()
    .map((header) => header.split(";")[0])
    .join("; ");
  const tokenResponse = await fetch(`${base}/api/auth/convex/token`, { headers: { cookie } });
  const { token } = (await tokenResponse.json()) as { token: string };
  return { cookie, token };
}
