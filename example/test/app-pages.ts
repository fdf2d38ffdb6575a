/**
 * The example app's pages in Chromium, as the browser tests drive them: open, sign up, enter a
 * code, start signed in, and see every screen a page went through.
 */
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { signInOverHttp } from "./auth-over-http";

const VIEWPORT = { width: 900, height: 820 };
/** The sizes the example is looked at in: a laptop and a phone. */
export const SCREENS = { laptop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

/** A fresh browser profile (its own cookies and storage) with the app open on the sign-up screen. */
export async function openApp(browser: Browser, base: string, viewport = VIEWPORT): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(base);
  await page.getByRole("heading", { name: "Get started" }).waitFor();
  return page;
}

/** Fills the sign-up form and asks for a code. */
export async function fillSignUp(page: Page, fields: { email: string; username: string; name: string }) {
  const form = page.getByRole("form", { name: "Create account" });
  await form.getByLabel("Email").fill(fields.email);
  await form.getByLabel("Username").fill(fields.username);
  await form.getByLabel("Display name").fill(fields.name);
  await form.getByRole("button", { name: "Send me a code" }).click();
}

/** Fills the sign-up form, asks for a code and waits for the screen that asks for it. */
export async function signUpToCodeScreen(page: Page, fields: { email: string; username: string; name: string }) {
  await fillSignUp(page, fields);
  await page.getByRole("heading", { name: "Check your email" }).waitFor();
}

/** Opens the sign-in tab, asks for a code for `email` and waits for the screen that asks for it. */
export async function signInToCodeScreen(page: Page, email: string) {
  await page.getByRole("tab", { name: "Sign in" }).click();
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Email").fill(email);
  await form.getByRole("button", { name: "Send me a code" }).click();
  await page.getByRole("heading", { name: "Check your email" }).waitFor();
}

/** A six-digit code that is not `code`. */
export const wrongCodeFor = (code: string) => (code === "000000" ? "111111" : "000000");

/** Types the code and submits it. */
export async function enterCode(page: Page, code: string) {
  const form = page.getByRole("form", { name: "Enter code" });
  await form.getByLabel("Code").fill(code);
  await form.locator("button[type=submit]").click();
}

/** A username no other test uses. */
export const uniqueUsername = (name: string) => `${name}_${Date.now().toString(36).slice(-6)}`;

/**
 * A browser profile already signed in as a new account (through the real Better Auth routes, the
 * session cookie handed to the browser), recording the screens of every page it opens.
 */
export async function signedInContext(
  browser: Browser,
  base: string,
  account: { email: string; username: string; name: string },
): Promise<BrowserContext> {
  const { cookie } = await signInOverHttp(base, account.email, { username: account.username, name: account.name });
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addCookies(
    cookie.split("; ").map((pair) => {
      const split = pair.indexOf("=");
      return { name: pair.slice(0, split), value: pair.slice(split + 1), url: base };
    }),
  );
  await recordScreens(context);
  return context;
}

declare global {
  interface Window {
    /** Every main heading the page has shown, in order, from the start of the document. */
    __screens: string[];
  }
}

/**
 * Records each main heading (`h1`) every page of `context` shows, from before the app's first
 * render, so a test can tell which screens appeared even for a moment.
 */
export async function recordScreens(context: BrowserContext) {
  await context.addInitScript(() => {
    window.__screens = [];
    const note = (heading: Element | null | undefined) => {
      const text = heading?.textContent ?? "";
      if (text && text !== window.__screens.at(-1)) window.__screens.push(text);
    };
    // Headings added in a batch of changes, then the one on screen now: nothing shown is missed.
    new MutationObserver((changes) => {
      for (const change of changes) {
        for (const node of change.addedNodes) {
          if (node instanceof Element) [node, ...node.querySelectorAll("h1")].filter((e) => e.matches("h1")).forEach(note);
        }
      }
      note(document.querySelector("h1"));
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
}

/**
 * The WCAG contrast ratio of an element's text against what is behind it, computed in the page
 * from the styles it is drawn with (its colour, the nearest background, no opacity on the way).
 */
export const contrastOf = (element: Locator) =>
  element.evaluate((node) => {
    const rgb = (color: string) => (color.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = (color: string) => {
      const [r, g, b] = rgb(color).map((v) => v / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    let background = "rgb(255, 255, 255)";
    for (let at: Element | null = node; at; at = at.parentElement) {
      const style = getComputedStyle(at);
      if (Number(style.opacity) < 1) return 0; // faded: the colours below are not what is seen
      const color = rgb(style.backgroundColor);
      if (color.length === 3 || color[3] === 1) {
        background = style.backgroundColor;
        break;
      }
    }
    const [light, dark] = [luminance(getComputedStyle(node).color), luminance(background)].sort((a, b) => b - a);
    return (light! + 0.05) / (dark! + 0.05);
  });

/** Whether each element's text sits on one line (a wrapped label is taller than its line height). */
export const onOneLine = (elements: Locator) =>
  elements.evaluateAll((nodes) =>
    nodes.map((node) => {
      const style = getComputedStyle(node);
      const inner = node.getBoundingClientRect().height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
      return inner < parseFloat(style.lineHeight === "normal" ? style.fontSize : style.lineHeight) * 1.6;
    }),
  );

/** The headings recorded by `recordScreens` on this page since it was loaded. */
export const screensSeen = (page: Page) => page.evaluate(() => window.__screens);
