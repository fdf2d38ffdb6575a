import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { HOW_TO_ENABLE, launchChromium } from "./browser";

/**
 * `describe` for a suite that drives Chromium: one browser for the whole suite, found once per run
 * by `find-browser.ts`. Without a Chromium the suite is skipped (that setup said why in one line),
 * except under CI, where its first hook fails it.
 *
 * ```ts
 * describeInChromium("the example app in Chromium", (browser) => {
 *   it("signs up", async () => { const page = await openApp(browser(), base); ... });
 * });
 * ```
 */
export function describeInChromium(title: string, body: (browser: () => Browser) => void) {
  const chromium = inject("chromium");
  describe.skipIf(!chromium.found && !chromium.required)(title, () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      if (!chromium.found) throw new Error(`CI is set and ${chromium.reason} ${HOW_TO_ENABLE}`);
      browser = await launchChromium(chromium.found);
    });
    afterAll(() => browser?.close());
    body(() => {
      if (!browser) throw new Error("the browser suite has no browser: its beforeAll did not run");
      return browser;
    });
  });
}
