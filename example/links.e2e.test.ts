/**
 * The link beside the code in each mail: it opens the app with the address and code in the URL's
 * fragment, which no browser sends to a server. A mail scanner that fetches it spends nothing.
 */
import { expect, inject, it } from "vitest";
import { mailbox, postAuth, uniqueEmail } from "./test/auth-over-http";
import { uniqueUsername } from "./test/app-pages";

const base = inject("runtimeUrl");

it("a scanner fetching a mail's link neither sends the code anywhere nor spends it", async () => {
  const email = uniqueEmail("scanned");
  expect((await postAuth(base, "/email-otp/send-verification-otp", { email, type: "sign-in" })).status).toBe(200);
  const mail = (await mailbox(base)).find((item) => item.to === email)!;

  // The link opens the app on this origin; everything it carries is in the fragment.
  const link = new URL(mail.link!);
  expect(link.origin).toBe(base);
  expect(Object.fromEntries(new URLSearchParams(link.hash.slice(1)))).toEqual({ email, otp: mail.otp, type: "sign-in" });
  expect(`${link.pathname}${link.search}`).not.toContain(mail.otp);

  // What scanners do: GET and HEAD, following redirects. They get the app's page and nothing else.
  for (const method of ["GET", "HEAD"]) {
    const fetched = await fetch(link, { method, headers: { accept: "text/html" }, redirect: "follow" });
    expect([method, fetched.status, fetched.headers.get("content-type")]).toEqual([method, 200, "text/html; charset=utf-8"]);
  }

  // The code still works, for its first use.
  const signedIn = await postAuth(base, "/sign-in/email-otp", { email, otp: mail.otp, username: uniqueUsername("scan") });
  expect(signedIn.status).toBe(200);
});
