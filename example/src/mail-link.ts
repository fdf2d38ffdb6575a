/**
 * What a mail's link carries in its fragment (`#email=…&otp=…&type=…`): read once when the app
 * opens, then taken out of the address bar, so that the code is neither kept in history nor shared
 * with the page's URL. Browsers never send a fragment to a server.
 */
export type MailLink = { email: string; otp: string; type: string };

function readMailLink(): MailLink | undefined {
  if (typeof window === "undefined" || !window.location.hash) return undefined;
  const params = new URLSearchParams(window.location.hash.slice(1));
  const [email, otp, type] = [params.get("email"), params.get("otp"), params.get("type")];
  if (!email || !otp || !/^\d{4,10}$/.test(otp) || !type) return undefined;
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  return { email, otp, type };
}

const link = readMailLink();

/** The link the app was opened with, if it is for the screen of `type`. */
export const mailLinkFor = (type: string): MailLink | undefined => (link?.type === type ? link : undefined);
