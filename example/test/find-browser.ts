/**
 * Vitest global setup for the example's tests: looks for a Chromium once per run (see
 * {@link ./browser.ts}), says in one line which one the browser tests use or why they do not run,
 * and hands the answer to the tests as `inject("chromium")`.
 */
import type { TestProject } from "vitest/node";
import { findChromium, HOW_TO_ENABLE, type ChromiumLookup } from "./browser";

declare module "vitest" {
  export interface ProvidedContext {
    /** The lookup's answer, and whether a missing browser fails the run (CI) or skips the suite. */
    chromium: ChromiumLookup & { required: boolean };
  }
}

/** `CI=true` (or any value but `false`/`0`), as CI services set it. */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== "" && value !== "false" && value !== "0";
}

export default async function findBrowser(project: TestProject) {
  const lookup = await findChromium();
  const required = isCI();
  if (lookup.found) {
    const { version, source, executablePath, unpackSeconds } = lookup.found;
    const unpack = unpackSeconds === undefined ? "" : `, ready in ${unpackSeconds.toFixed(1)} s`;
    console.log(`[browser tests] Chromium ${version} from ${source} (${executablePath}${unpack})`);
  } else if (required) {
    console.log(`[browser tests] CI is set, so they fail: ${lookup.reason} ${HOW_TO_ENABLE}`);
  } else {
    console.log(`[browser tests] skipped: ${lookup.reason} ${HOW_TO_ENABLE}`);
  }
  project.provide("chromium", { ...lookup, required });
}
