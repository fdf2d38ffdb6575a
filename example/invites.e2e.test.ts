import { expect, inject, it } from "vitest";
import { enterCode, openApp, signedInContext, uniqueUsername } from "./test/app-pages";
import { latestCode, uniqueEmail } from "./test/auth-over-http";
import { describeInChromium } from "./test/browser-suite";

const base = inject("runtimeUrl");

describeInChromium("invites in Chromium", (browser) => {
  it("an invite made in one browser signs a second person up in another, who sees who invited them", async () => {
    // The inviter, signed in in a browser profile of their own.
    const owner = { email: uniqueEmail("owner"), username: uniqueUsername("owner"), name: "Owner" };
    const inviterPage = await (await signedInContext(browser(), base, owner)).newPage();
    await inviterPage.goto(base);
    const invite = inviterPage.getByRole("region", { name: "Invite someone" });
    await invite.getByRole("button", { name: "Make an invite" }).click();
    const link = (await invite.getByTestId("invite-link").getAttribute("href"))!;
    const code = (await invite.getByTestId("invite-code").textContent())!;
    expect(link).toBe(`${base}/#invite=${code}`);
    await invite.locator("[data-state=active]").waitFor();

    // The invitee follows the link in another profile: the form has the invite filled in.
    const page = await openApp(browser(), link);
    const form = page.getByRole("form", { name: "Create account" });
    expect(await form.getByLabel("Invite code").inputValue()).toBe(code);
    const email = uniqueEmail("bob");
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("Username").fill(uniqueUsername("bob"));
    await form.getByRole("button", { name: "Send me a code" }).click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    await enterCode(page, await latestCode(base, email));
    await expect(page.getByTestId("invited-by").textContent()).resolves.toBe(`Invited by @${owner.username}`);

    // The inviter's list follows live: the invite is used.
    await invite.locator("[data-state=used]").waitFor();
    await page.context().close();
    await inviterPage.context().close();
  });
});
