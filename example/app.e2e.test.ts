import { mkdirSync } from "node:fs";
import { beforeAll, expect, inject, it } from "vitest";
import { enterCode, fillSignUp, openApp, signUpToCodeScreen, uniqueUsername, wrongCodeFor } from "./test/app-pages";
import { latestCode, mailbox, uniqueEmail } from "./test/auth-over-http";
import { describeInChromium } from "./test/browser-suite";

const base = inject("runtimeUrl");
const SHOTS = "test-results/screens";

describeInChromium("the example app in Chromium", (browser) => {
  beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

  it("signs up with a code, edits the profile, signs out, and signs in again without a second onboarding", async () => {
    const page = await openApp(browser(), base);
    const email = uniqueEmail("ann");
    const username = uniqueUsername("ann");
    await page.screenshot({ path: `${SHOTS}/1-sign-up.png` });

    // 1. Sign up: the form is checked before anything is sent.
    await page.getByRole("button", { name: "Send me a code" }).click();
    await expect(page.locator("[data-field-error=email]").textContent()).resolves.toBe("Enter your email address");
    await fillSignUp(page, { email, username, name: "Ann Lee" });

    // 2. The code, read from the dev mailbox the page links to.
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    expect(await page.getByRole("link", { name: "dev mailbox" }).getAttribute("href")).toBe("/dev/mailbox");
    await page.screenshot({ path: `${SHOTS}/2-code.png` });
    await enterCode(page, await latestCode(base, email));

    // 3. The profile from profiles.me; edit it.
    await expect(page.getByTestId("display-name").textContent()).resolves.toBe("Ann Lee");
    expect(await page.getByTestId("username").textContent()).toBe(`@${username}`);
    expect(await page.getByTestId("role").textContent()).toBe("member");
    const onboardedAt = await page.getByTestId("onboarded").getAttribute("data-onboarded-at");
    expect(Number(onboardedAt)).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/3-profile.png` });

    const edit = page.getByRole("form", { name: "Edit profile" });
    await edit.getByLabel("Display name").fill("Ann L.");
    await edit.getByLabel("Bio").fill("Writes Convex apps.");
    await edit.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    expect(await page.getByTestId("display-name").textContent()).toBe("Ann L.");
    expect(await page.getByTestId("bio").textContent()).toBe("Writes Convex apps.");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Welcome back" }).waitFor();

    // 4. Sign in again: the same profile, and onboarding did not run again.
    await page.getByRole("tab", { name: "Sign in" }).click();
    const signIn = page.getByRole("form", { name: "Sign in" });
    await signIn.getByLabel("Email").fill(email.toUpperCase());
    await signIn.getByRole("button", { name: "Send me a code" }).click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    await enterCode(page, await latestCode(base, email));
    await expect(page.getByTestId("display-name").textContent()).resolves.toBe("Ann L.");
    expect(await page.getByTestId("bio").textContent()).toBe("Writes Convex apps.");
    expect(await page.getByTestId("onboarded").getAttribute("data-onboarded-at")).toBe(onboardedAt);
    await page.screenshot({ path: `${SHOTS}/4-signed-in-again.png` });
    await page.context().close();
  });

  it("says so when the code is wrong, and takes the right one after", async () => {
    const page = await openApp(browser(), base);
    const email = uniqueEmail("cleo");
    await signUpToCodeScreen(page, { email, username: uniqueUsername("cleo"), name: "Cleo" });
    const code = await latestCode(base, email);
    const wrong = wrongCodeFor(code);

    await enterCode(page, wrong);
    const alert = page.getByRole("alert");
    await expect(alert.textContent()).resolves.toBe("That code is not right. 2 tries left.");
    expect(await alert.getAttribute("data-error-code")).toBe("INVALID_OTP");
    await page.screenshot({ path: `${SHOTS}/2b-wrong-code.png` });

    await enterCode(page, code);
    await expect(page.getByTestId("display-name").textContent()).resolves.toBe("Cleo");
    await page.context().close();
  });

  it("shows a taken username next to its field, and sends no code", async () => {
    const first = await openApp(browser(), base);
    const username = uniqueUsername("dana");
    const firstEmail = uniqueEmail("dana");
    await signUpToCodeScreen(first, { email: firstEmail, username, name: "Dana" });
    await enterCode(first, await latestCode(base, firstEmail));
    await first.getByTestId("display-name").waitFor();
    await first.context().close();

    const page = await openApp(browser(), base);
    const email = uniqueEmail("dana-two");
    await fillSignUp(page, { email, username, name: "Another Dana" });
    const error = page.locator("[data-field-error=username]");
    await expect(error.textContent()).resolves.toBe("That username is taken. Try another.");
    await page.screenshot({ path: `${SHOTS}/1b-username-taken.png` });
    expect((await mailbox(base)).some((mail) => mail.to === email)).toBe(false);
    await page.context().close();
  });
});
