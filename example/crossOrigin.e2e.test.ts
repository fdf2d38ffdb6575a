/**
 * The example app on another origin than its backend (the cross-domain setup: `crossDomain` on the
 * server, `crossDomainClient()` in the page, CORS for the trusted origins), a page on an untrusted
 * origin refused, and the account actions that need a fresh code.
 */
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { enterCode, fillSignUp, openApp, signUpToCodeScreen, uniqueUsername } from "./test/app-pages";
import { latestCode, mailbox, uniqueEmail } from "./test/auth-over-http";
import { describeInChromium } from "./test/browser-suite";

const base = inject("runtimeUrl");
const appUrl = inject("appUrl");

/** `http://127.0.0.1:<port>` and `http://localhost:<port>` are two origins; only the first is trusted. */
const untrusted = appUrl.replace("127.0.0.1", "localhost");

const mailsTo = async (email: string) => (await mailbox(base)).filter((mail) => mail.to === email);

const openAt = (browser: () => import("playwright-core").Browser, url: string): Promise<Page> =>
  openApp(browser(), url, { width: 900, height: 820 });

describe("the local runtime's auth routes, from the second origin and an untrusted one", () => {
  const preflight = (origin: string) =>
    fetch(`${base}/api/auth/sign-in/email-otp`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type,better-auth-cookie" },
    });

  it("answers the trusted second origin's preflight, and refuses an untrusted one's", async () => {
    const allowed = await preflight(appUrl);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(appUrl);
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    const refused = await preflight(untrusted);
    expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([403, "INVALID_ORIGIN"]);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses a code request from an untrusted origin, and mails nothing", async () => {
    const email = uniqueEmail("eve");
    const response = await fetch(`${base}/api/auth/email-otp/send-verification-otp`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: untrusted },
      body: JSON.stringify({ email, type: "sign-in" }),
    });
    expect(response.status).toBe(403);
    expect(await mailsTo(email)).toEqual([]);
  });
});

describeInChromium("the example app on a second origin", (browser) => {
  it("signs up and edits its profile through the cross-domain setup", async () => {
    const page = await openAt(browser, appUrl);
    const email = uniqueEmail("cora");
    await signUpToCodeScreen(page, { email, username: uniqueUsername("cora"), name: "Cora" });
    await enterCode(page, await latestCode(base, email));
    await expect(page.getByTestId("display-name").textContent()).resolves.toBe("Cora");
    // No third-party cookie: the session lives in this origin's storage.
    expect(await page.context().cookies(base)).toEqual([]);
    expect(await page.evaluate(() => localStorage.getItem("better-auth_cookie"))).toContain("session_token");

    const edit = page.getByRole("form", { name: "Edit profile" });
    await edit.getByLabel("Display name").fill("Cora B.");
    await edit.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved.").waitFor();
    await expect(page.getByTestId("display-name").textContent()).resolves.toBe("Cora B.");
    // A reload keeps the session.
    await page.reload();
    await expect(page.getByTestId("display-name").textContent()).resolves.toBe("Cora B.");
    await page.context().close();
  });

  it("refuses a page on an untrusted origin: no code is sent", async () => {
    const page = await openAt(browser, untrusted);
    const email = uniqueEmail("mallory");
    await fillSignUp(page, { email, username: uniqueUsername("mal"), name: "Mallory" });
    // The browser's preflight is refused (403, no CORS headers): the page gets no answer at all.
    await expect(page.getByRole("alert").textContent()).resolves.toContain("Could not reach the server");
    expect(await page.getByRole("heading", { name: "Check your email" }).count()).toBe(0);
    expect(await mailsTo(email)).toEqual([]);
    await page.context().close();
  });
});

describeInChromium("following a mail's link, and the account actions", (browser) => {
  it("fills the code screen from a sign-in mail's link: one press signs in", async () => {
    const first = await openAt(browser, base);
    const email = uniqueEmail("lin");
    await signUpToCodeScreen(first, { email, username: uniqueUsername("lin"), name: "Lin" });
    await enterCode(first, await latestCode(base, email));
    await first.getByTestId("display-name").waitFor();
    await first.context().close();

    // Later, on another device: ask for a code, then open the mail's link.
    const page = await openAt(browser, base);
    await page.getByRole("tab", { name: "Sign in" }).click();
    await page.getByRole("form", { name: "Sign in" }).getByLabel("Email").fill(email);
    await page.getByRole("form", { name: "Sign in" }).getByRole("button").click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    const [mail] = await mailsTo(email);
    await page.goto("about:blank");
    await page.goto(mail!.link!);
    const code = page.getByRole("form", { name: "Enter code" }).getByLabel("Code");
    await expect(code.inputValue()).resolves.toBe(mail!.otp);
    // The code left the address bar as soon as the app read it.
    expect(page.url()).not.toContain(mail!.otp);
    await page.getByRole("form", { name: "Enter code" }).locator("button[type=submit]").click();
    await expect(page.getByTestId("display-name").textContent()).resolves.toBe("Lin");
    await page.context().close();
  });

  it("changes the email with the new address's code, then deletes the account", async () => {
    const page = await openAt(browser, base);
    const email = uniqueEmail("max");
    await signUpToCodeScreen(page, { email, username: uniqueUsername("max"), name: "Max" });
    await enterCode(page, await latestCode(base, email));
    await page.getByTestId("display-name").waitFor();

    // A session this young needs no code for the current address.
    const newEmail = uniqueEmail("max-new");
    await page.getByRole("button", { name: "Change email" }).click();
    await page.getByRole("form", { name: "Change email" }).getByLabel("New email").fill(newEmail);
    await page.getByRole("button", { name: "Send a code to the new address" }).click();
    const confirm = page.getByRole("form", { name: "Confirm the new email" });
    await confirm.waitFor();
    await confirm.getByLabel("Code").fill(await latestCode(base, newEmail));
    await confirm.getByRole("button", { name: "Change email" }).click();
    await page.getByTestId("email-changed").waitFor();
    // The session follows once useSession has refetched it (its signal fires after the answer).
    await page.getByTestId("account-email").filter({ hasText: newEmail }).waitFor({ timeout: 10_000 });

    await page.getByRole("button", { name: "Delete account" }).click();
    await page.getByRole("button", { name: "Delete for good" }).click();
    await page.getByRole("heading", { name: /Get started|Welcome back/ }).waitFor();
    await page.context().close();
  });
});
