import type { Page } from "playwright-core";
import { expect, inject, it } from "vitest";
import {
  contrastOf,
  enterCode,
  fillSignUp,
  onOneLine,
  openApp,
  SCREENS,
  signedInContext,
  signInToCodeScreen,
  signUpToCodeScreen,
  uniqueUsername,
  wrongCodeFor,
} from "./test/app-pages";
import { latestCode, mailbox, signInOverHttp, uniqueEmail } from "./test/auth-over-http";
import { describeInChromium } from "./test/browser-suite";

const base = inject("runtimeUrl");
const SHOTS = "test-results/screens";

/** Waits for the page's next "too soon" answer to a code request, and returns its wait in seconds. */
async function nextRetryAfter(page: Page): Promise<number> {
  const response = await page.waitForResponse(
    (r) => r.url().endsWith("/email-otp/send-verification-otp") && r.status() === 429,
  );
  const body = (await response.json()) as { code: string; retryAfter: number };
  expect(body.code).toBe("RATE_LIMITED");
  expect(response.headers()["retry-after"]).toBe(String(body.retryAfter));
  return body.retryAfter;
}

/** The seconds a counting-down button shows, after checking that it is disabled. */
async function countdownOn(page: Page, scope: "Enter code" | "Create account"): Promise<number> {
  const button = page.getByRole("form", { name: scope }).getByRole("button", { name: /^Send again in \d+ s$/ });
  await button.waitFor();
  expect(await button.isDisabled()).toBe(true);
  return Number(/(\d+) s$/.exec((await button.textContent()) ?? "")![1]);
}

const mailsTo = async (email: string) => (await mailbox(base)).filter((mail) => mail.to === email);

describeInChromium("what a person meets in the example's forms", (browser) => {
  it("counts the server's wait down on the button after a quick resend, on the code step and the form", async () => {
    const page = await openApp(browser(), base);
    const email = uniqueEmail("fay");
    const fields = { email, username: uniqueUsername("fay"), name: "Fay" };
    await signUpToCodeScreen(page, fields);

    // "Send a new code" at once: the server wants ~30 s, and the button shows that wait.
    const refused = nextRetryAfter(page);
    await page.getByRole("button", { name: "Send a new code" }).click();
    const retryAfter = await refused;
    const shown = await countdownOn(page, "Enter code");
    expect(Math.abs(shown - retryAfter)).toBeLessThanOrEqual(2);
    await page.screenshot({ path: `${SHOTS}/2c-resend-countdown.png` });
    // It counts down: a second and a half later it shows less.
    await page.waitForTimeout(1_500);
    expect(await countdownOn(page, "Enter code")).toBeLessThan(shown);

    // Back on the form, the same email again: the form's own button counts down too.
    await page.getByRole("button", { name: "← Use another email" }).click();
    const refusedAgain = nextRetryAfter(page);
    await fillSignUp(page, fields);
    expect(Math.abs((await countdownOn(page, "Create account")) - (await refusedAgain))).toBeLessThanOrEqual(2);
    expect(await mailsTo(email)).toHaveLength(1);
    await page.context().close();
  });

  it("counts the tries left on wrong codes, says a new code is needed after the last, and takes the new one", async () => {
    const page = await openApp(browser(), base);
    const email = uniqueEmail("gus");
    await signUpToCodeScreen(page, { email, username: uniqueUsername("gus"), name: "Gus" });
    const wrong = wrongCodeFor(await latestCode(base, email));
    const alert = page.getByRole("alert");

    await enterCode(page, wrong);
    await expect.poll(() => alert.textContent()).toBe("That code is not right. 2 tries left.");
    await enterCode(page, wrong);
    await expect.poll(() => alert.textContent()).toBe("That code is not right. 1 try left.");
    await enterCode(page, wrong);
    await expect
      .poll(() => alert.textContent())
      .toBe("That code is not right, and that was its last try: it no longer works. Send a new one.");
    expect(await alert.getAttribute("data-tries-left")).toBe("0");
    // No more trying: the main action is a new code.
    const form = page.getByRole("form", { name: "Enter code" });
    expect(await form.locator("button[type=submit]").count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/2d-code-dead.png` });

    await form.getByRole("button", { name: "Send a new code" }).click();
    await page.getByRole("status").filter({ hasText: "A new code is on its way." }).waitFor();
    expect(await mailsTo(email)).toHaveLength(2);
    await enterCode(page, await latestCode(base, email));
    await expect(page.getByTestId("display-name").textContent()).resolves.toBe("Gus");
    await page.context().close();
  });

  it("says so when Create account signs in to an account the email already had", async () => {
    const email = uniqueEmail("hal");
    const username = uniqueUsername("hal");
    await signInOverHttp(base, email, { username, name: "Hal" });

    const page = await openApp(browser(), base);
    await signUpToCodeScreen(page, { email, username: uniqueUsername("hal_new"), name: "Hal New" });
    await enterCode(page, await latestCode(base, email));

    // The existing profile, and a notice that survived the switch to it.
    await expect(page.getByTestId("username").textContent()).resolves.toBe(`@${username}`);
    expect(await page.getByTestId("sign-in-notice").textContent()).toBe(
      "This email already had an account, so you were signed in to it. " +
        "The username and display name you typed were not used.",
    );
    await page.screenshot({ path: `${SHOTS}/3b-existing-account.png` });
    await page.context().close();
  });

  it("creates the account of an unknown email that signed in with the code it already has: one mail", async () => {
    const page = await openApp(browser(), base);
    const email = uniqueEmail("ida");
    await signInToCodeScreen(page, email);
    await enterCode(page, await latestCode(base, email));

    // The right code, but no account: the create-account form, with the email and the code kept.
    await page.getByRole("status").filter({ hasText: "no new mail is needed" }).waitFor();
    const form = page.getByRole("form", { name: "Create account" });
    expect(await form.getByLabel("Email").inputValue()).toBe(email);
    const username = uniqueUsername("ida");
    await form.getByLabel("Username").fill(username);
    await form.getByLabel("Display name").fill("Ida");
    await page.screenshot({ path: `${SHOTS}/1c-no-account-yet.png` });
    await form.getByRole("button", { name: "Create account" }).click();

    await expect(page.getByTestId("display-name").textContent()).resolves.toBe("Ida");
    expect(await page.getByTestId("username").textContent()).toBe(`@${username}`);
    expect(await page.getByTestId("sign-in-notice").count()).toBe(0);
    expect(await mailsTo(email)).toHaveLength(1);
    await page.context().close();
  });

  it("says what is missing, drops a field's error once it is right, and keeps what was typed after ← Use another email", async () => {
    const page = await openApp(browser(), base);
    const form = page.getByRole("form", { name: "Create account" });
    const errorOf = (field: string) => form.locator(`[data-field-error=${field}]`);
    // The heading does not repeat the tab's label.
    expect(await page.getByRole("heading", { level: 1 }).textContent()).not.toBe("Create account");

    await form.getByRole("button", { name: "Send me a code" }).click();
    expect(await errorOf("email").textContent()).toBe("Enter your email address");
    expect(await errorOf("username").textContent()).toBe("Choose a username");
    await form.getByLabel("Email").fill("ann@");
    await form.getByRole("button", { name: "Send me a code" }).click();
    expect(await errorOf("email").textContent()).toBe("Enter a valid email address");
    const email = uniqueEmail("ann");
    await form.getByLabel("Email").fill(email);
    await errorOf("email").waitFor({ state: "detached", timeout: 1_000 });
    expect(await errorOf("username").count()).toBe(1); // still empty, still said

    const fields = { email, username: uniqueUsername("ann"), name: "Ann Lee" };
    await signUpToCodeScreen(page, fields);
    await page.getByRole("button", { name: "← Use another email" }).click();
    const back = page.getByRole("form", { name: "Create account" });
    for (const [label, value] of [["Email", email], ["Username", fields.username], ["Display name", "Ann Lee"]]) {
      expect(await back.getByLabel(label!).inputValue()).toBe(value);
    }
    await page.context().close();
  });

  it("on a phone keeps each link of the code step on one line, and disabled buttons and the countdown read at 4.5:1 or more", async () => {
    const page = await openApp(browser(), base, SCREENS.phone);
    await signUpToCodeScreen(page, { email: uniqueEmail("pia"), username: uniqueUsername("pia"), name: "Pia" });
    const form = page.getByRole("form", { name: "Enter code" });
    await form.getByRole("button", { name: "Send a new code" }).click();
    const countdown = form.getByRole("button", { name: /^Send again in \d+ s$/ });
    await countdown.waitFor();
    await page.screenshot({ path: `${SHOTS}/phone-2c-resend-countdown.png` });
    expect(await onOneLine(form.locator(".row button"))).toEqual([true, true]);
    expect(await contrastOf(countdown)).toBeGreaterThanOrEqual(4.5);

    // The form's own button, disabled while it counts down.
    await page.getByRole("button", { name: "← Use another email" }).click();
    await page.getByRole("form", { name: "Create account" }).getByRole("button", { name: "Send me a code" }).click();
    const disabled = page.getByRole("button", { name: /^Send again in \d+ s$/ });
    await disabled.waitFor();
    expect(await disabled.isDisabled()).toBe(true);
    expect(await contrastOf(disabled)).toBeGreaterThanOrEqual(4.5);
    await page.context().close();
  });

  it("shows one visible focus style on every control: inputs, tabs, buttons", async () => {
    const page = await openApp(browser(), base, SCREENS.laptop);
    await page.screenshot({ path: `${SHOTS}/laptop-1a-sign-up.png` });
    const styles = new Map<string, string>();
    // Two tabs, three inputs, the submit button.
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press("Tab");
      const [what, outline] = await page.evaluate(() => {
        const focused = document.activeElement!;
        const style = getComputedStyle(focused);
        const name = `${focused.tagName.toLowerCase()}${focused.getAttribute("role") ? `[${focused.getAttribute("role")}]` : ""}`;
        return [name, `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor} ${style.outlineOffset}`];
      });
      styles.set(what, outline);
    }
    expect([...styles.keys()].sort()).toEqual(["button", "button[tab]", "input"]);
    expect(new Set(styles.values()).size).toBe(1);
    expect([...styles.values()][0]).toMatch(/^solid 3px /);
    await page.context().close();
  });

  it("on the profile: when the account was set up in plain words, Sign out apart from the form, the bio's one limit counted live", async () => {
    const context = await signedInContext(browser(), base, {
      email: uniqueEmail("ron"),
      username: uniqueUsername("ron"),
      name: "Ron",
    });
    const page = await context.newPage();
    await page.setViewportSize(SCREENS.phone);
    await page.goto(base);
    await page.getByTestId("display-name").waitFor();
    expect(await page.getByTestId("onboarded").textContent()).toMatch(/^Your account was set up on \d{1,2} \w+ \d{4}\.$/);
    // The date is never broken across lines.
    expect(await page.getByTestId("onboarded").locator(".nowrap").evaluate((date) => date.getClientRects().length)).toBe(1);
    const signOut = page.getByRole("button", { name: "Sign out" });
    expect(await signOut.evaluate((button) => button.closest("form, .card") === null)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/phone-3a-profile.png` });

    const edit = page.getByRole("form", { name: "Edit profile" });
    await edit.getByLabel("Bio").fill("b".repeat(170));
    expect(await edit.getByLabel("Bio").inputValue()).toHaveLength(160);
    expect(await edit.getByText(/^\d+\/\d+ characters$/).textContent()).toBe("160/160 characters");
    await edit.getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).waitFor();
    await page.setViewportSize(SCREENS.laptop);
    await page.screenshot({ path: `${SHOTS}/laptop-3a-profile.png` });
    await context.close();
  });
});
