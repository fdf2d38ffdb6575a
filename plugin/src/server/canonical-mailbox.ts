/**
 * Providers known to deliver `first.last@` and `firstlast@` to the same mailbox, and the domain
 * each one's addresses are counted under.
 */
const DOT_BLIND_DOMAINS: Record<string, string> = {
  "gmail.com": "gmail.com",
  "googlemail.com": "gmail.com",
};

/**
 * The mailbox an address reaches, as the abuse limits count it: lower case, without a `+tag`, and
 * without dots for providers that ignore them (Gmail). `Ann.Lee+news@GoogleMail.com` and
 * `annlee@gmail.com` are one mailbox. Only limits use it; the user's own address is never rewritten.
 */
export function canonicalMailbox(email: string): string {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf("@");
  if (at < 1) return address;
  let local = address.slice(0, at);
  let domain = address.slice(at + 1);
  const plus = local.indexOf("+");
  if (plus > 0) local = local.slice(0, plus);
  const dotBlind = DOT_BLIND_DOMAINS[domain];
  if (dotBlind) {
    local = local.replace(/\./g, "");
    domain = dotBlind;
  }
  return `${local}@${domain}`;
}
