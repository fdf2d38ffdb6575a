import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect, inject, it } from "vitest";
import {
  enterCode,
  recordScreens,
  screensSeen,
  signedInContext,
  signInToCodeScreen,
  uniqueUsername,
} from "./test/app-pages";
import { latestCode, signInOverHttp, uniqueEmail } from "./test/auth-over-http";
import { describeInChromium } from "./test/browser-suite";

const base = inject("runtimeUrl");
/** A new account signed in in a fresh browser profile, and `count` tabs of it showing the profile. */
async function signedInTabs(
  browser: Browser,
  name: string,
  count: number,
): Promise<{ context: BrowserContext; tabs: Page[] }> {
  const context = await signedInContext(browser, base, {
    email: uniqueEmail(name.toLowerCase()),
    username: uniqueUsername(name.toLowerCase()),
    name,
  });
  const tabs: Page[] = [];
  for (let i = 0; i < count; i++) {
    const tab = await context.newPage();
    await tab.goto(base);
    await expect.poll(() => tab.getByTestId("display-name").textContent()).toBe(name);
    tabs.push(tab);
  }
  return { context, tabs };
}

describeInChromium("the example app on ConvexReactClient, across tabs and reloads", (browser) => {
  it("shows an edit made in one tab in the other, without a reload", async () => {
    const { context, tabs } = await signedInTabs(browser(), "Eve", 2);
    const [writer, reader] = tabs as [Page, Page];

    const edit = writer.getByRole("form", { name: "Edit profile" });
    await edit.getByLabel("Display name").fill("Eve Live");
    await edit.getByLabel("Bio").fill("Typed in the other tab.");
    await edit.getByRole("button", { name: "Save" }).click();

    await expect.poll(() => reader.getByTestId("display-name").textContent()).toBe("Eve Live");
    expect(await reader.getByTestId("bio").textContent()).toBe("Typed in the other tab.");
    // The other tab's untouched form follows the live profile too.
    expect(await reader.getByRole("form", { name: "Edit profile" }).getByLabel("Bio").inputValue()).toBe(
      "Typed in the other tab.",
    );
    // One document from start to end: a reload would have started the list again.
    expect(await screensSeen(reader)).toEqual(["Loading…", "Eve", "Eve Live"]);
    await context.close();
  });

  it("signs the other tab out at once when one tab signs out, straight to the sign-in screen", async () => {
    const { context, tabs } = await signedInTabs(browser(), "Finn", 2);
    const [leaving, other] = tabs as [Page, Page];

    await leaving.getByRole("button", { name: "Sign out" }).click();
    await leaving.getByRole("heading", { name: "Welcome back" }).waitFor();
    // Better Auth tells the other tabs through localStorage; no token refresh or reload is waited for.
    await other.getByRole("heading", { name: "Welcome back" }).waitFor({ timeout: 3_000 });
    // Still its first document; its profile went null with the session, yet it never said "No profile".
    const screens = await screensSeen(other);
    expect(screens.slice(0, 2)).toEqual(["Loading…", "Finn"]);
    expect(screens.at(-1)).toBe("Welcome back");
    expect(screens).not.toContain("No profile");
    expect(screens).not.toContain("Could not load your profile");
    await context.close();
  });

  it("signs the other tab in at once when one tab signs in, without it becoming visible", async () => {
    const email = uniqueEmail("hana");
    await signInOverHttp(base, email, { username: uniqueUsername("hana"), name: "Hana" });
    const context = await browser().newContext();
    await recordScreens(context);
    const [signing, other] = [await context.newPage(), await context.newPage()];
    for (const tab of [signing, other]) await tab.goto(base);
    await signInToCodeScreen(signing, email);
    await enterCode(signing, await latestCode(base, email));
    await signing.getByTestId("display-name").waitFor();
    // Better Auth polls or refetches on visibility only after 15 s and more: this is the sign-in's own message.
    await other.getByTestId("display-name").waitFor({ timeout: 3_000 });
    expect(await screensSeen(other)).not.toContain("Check your email");
    await context.close();
  });

  it("keeps the session across a reload, without showing the signed-out screen on the way", async () => {
    const { context, tabs } = await signedInTabs(browser(), "Gus", 1);
    const [tab] = tabs as [Page];
    const tokenRequests: string[] = [];
    tab.on("request", (request) => {
      if (new URL(request.url()).pathname === "/api/auth/convex/token") tokenRequests.push(request.url());
    });

    await tab.reload();
    await expect.poll(() => tab.getByTestId("display-name").textContent()).toBe("Gus");
    expect(await screensSeen(tab)).toEqual(["Loading…", "Gus"]);
    // ConvexReactClient's own design: the token it starts with, then a fresh one once the first is accepted.
    expect(tokenRequests).toHaveLength(2);
    await context.close();
  });
});
