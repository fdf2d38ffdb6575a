/**
 * Which Chromium the browser tests drive. One lookup, in this order:
 *
 * 1. `CHROMIUM_PATH`, when set: that binary and no other, so that a wrong path is reported, not
 *    quietly replaced.
 * 2. A system Chromium or Chrome ({@link SYSTEM_CHROMIUM_PATHS}).
 * 3. `@sparticuz/chromium`, a devDependency that ships a headless Chromium inside the npm package and
 *    unpacks it into the temp directory on first use (a few seconds; later runs reuse it).
 *
 * A candidate counts only once it has launched. The lookup runs once per test run, in the example
 * project's global setup ({@link ./find-browser.ts}); the test files read its answer with
 * `inject("chromium")` and launch with {@link launchChromium}.
 */
import { accessSync, constants } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Where Debian, Ubuntu, Fedora and Google's packages put Chromium or Chrome. */
export const SYSTEM_CHROMIUM_PATHS = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/opt/google/chrome/chrome",
];

/**
 * Headless, with nothing running in the background: this machine's closed network refuses
 * Chromium's own connections, and the tests must not wait on them. `--no-sandbox` lets it run as
 * root. @sparticuz/chromium's recommended flags are not taken: they are for AWS Lambda
 * (`--single-process`) and some weaken the page's security model (`--disable-web-security`), which
 * the tests must see as a user's browser has it.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A Chromium that launched, and where it came from. */
export type FoundChromium = {
  executablePath: string;
  source: "CHROMIUM_PATH" | "system" | "@sparticuz/chromium";
  version: string;
  /** How long @sparticuz/chromium took to hand over its binary (the first time: the unpack). */
  unpackSeconds?: number;
};

/** The answer of {@link findChromium}: a browser, or why there is none and how to get one. */
export type ChromiumLookup = { found: FoundChromium } | { found: null; reason: string };

/** How to give the browser tests a Chromium, for the line that says why they did not run. */
export const HOW_TO_ENABLE =
  "Set CHROMIUM_PATH=/path/to/chromium, or install one (apt-get install chromium), or reinstall " +
  "the devDependencies (npm ci) for @sparticuz/chromium.";

/** Launches the browser that {@link findChromium} found. */
export function launchChromium(found: FoundChromium): Promise<Browser> {
  return chromium.launch({ executablePath: found.executablePath, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** Launches once and closes: the only proof that a binary runs here (libraries, architecture). */
async function tryLaunch(
  executablePath: string,
  source: FoundChromium["source"],
): Promise<FoundChromium | string> {
  try {
    accessSync(executablePath, constants.X_OK);
  } catch {
    return "not an executable file";
  }
  try {
    const browser = await launchChromium({ executablePath, source, version: "" });
    const version = browser.version();
    await browser.close();
    return { executablePath, source, version };
  } catch (error) {
    return firstLine(error);
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n").find((line) => line.trim() !== "")?.trim() ?? "failed";
}

/** Unpacks @sparticuz/chromium's binary (a no-op after the first time) and says how long it took. */
async function sparticuzChromium(): Promise<{ path: string; ms: number } | string> {
  const started = performance.now();
  try {
    const { default: sparticuz } = await import("@sparticuz/chromium");
    const path = await sparticuz.executablePath();
    return { path, ms: performance.now() - started };
  } catch (error) {
    return firstLine(error);
  }
}

/**
 * Finds a Chromium that launches, in the order described at the top of this file.
 *
 * ```ts
 * const lookup = await findChromium();
 * if (lookup.found) console.log(lookup.found.executablePath);
 * else console.log(lookup.reason);
 * ```
 */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumLookup> {
  const explicit = env.CHROMIUM_PATH?.trim();
  if (explicit) {
    const result = await tryLaunch(explicit, "CHROMIUM_PATH");
    return typeof result === "string"
      ? { found: null, reason: `CHROMIUM_PATH=${explicit} did not launch: ${result}.` }
      : { found: result };
  }

  const tried: string[] = [];
  for (const path of SYSTEM_CHROMIUM_PATHS) {
    try {
      accessSync(path);
    } catch {
      continue; // Not installed here: not worth a word in the reason.
    }
    const result = await tryLaunch(path, "system");
    if (typeof result !== "string") return { found: result };
    tried.push(`${path}: ${result}`);
  }
  if (tried.length === 0) tried.push(`no system Chromium (${SYSTEM_CHROMIUM_PATHS.join(", ")})`);

  const unpacked = await sparticuzChromium();
  if (typeof unpacked === "string") {
    tried.push(`@sparticuz/chromium: ${unpacked}`);
  } else {
    const result = await tryLaunch(unpacked.path, "@sparticuz/chromium");
    if (typeof result !== "string") return { found: { ...result, unpackSeconds: unpacked.ms / 1000 } };
    // An unpack cut short leaves a broken binary that later runs reuse.
    tried.push(`@sparticuz/chromium (${unpacked.path}): ${result}; delete it to unpack it again`);
  }
  return { found: null, reason: `no Chromium could be launched (${tried.join("; ")}).` };
}
