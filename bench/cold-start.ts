/** Cold start: a fresh process loads the bundled HTTP entry and answers its first request. */
import * as esbuild from "esbuild";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AppBundle } from "./bundle.js";
import type { SetupName } from "./setups.js";
import { median } from "./stats.js";

/** Timings of one cold start, in milliseconds. */
export type ColdStart = {
  /** Loading (parsing and evaluating) the HTTP entry and the chunks it imports statically. */
  loadMs: number;
  /**
   * The first request, `send-verification-otp`: the load above, the modules it calls (the auth
   * mutation's, the component's adapter), the answer, and on a fresh deployment the JWT key.
   */
  firstRequestMs: number;
  /** The same request once everything is loaded, for comparison. */
  warmRequestMs: number;
};

/**
 * Compiles the child script to plain JS in `outDir` (packages stay imports), so that it runs under
 * bare `node`: a TypeScript loader would also transform the bundle it loads and inflate the timing.
 * `outDir` must sit inside the repository, where `node_modules` resolves.
 */
export async function buildColdStartChild(outDir: string): Promise<string> {
  const outfile = join(outDir, "cold-start-child.mjs");
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL("./cold-start-child.ts", import.meta.url))],
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    outfile,
    logLevel: "silent",
  });
  return outfile;
}

/** The bundled folders a deployment loads from: the app's and its components'. */
export type DeployedBundles = { app: AppBundle; betterAuth: AppBundle; rateLimiter: AppBundle };

/** Starts `runs` fresh processes and returns the median of each timing. */
export function measureColdStart(
  child: string,
  setup: SetupName,
  bundles: DeployedBundles,
  runs: number,
): ColdStart {
  const samples: ColdStart[] = [];
  const folders = Object.fromEntries(
    Object.entries(bundles).map(([name, bundle]) => [name, { dir: bundle.outDir, entries: bundle.entries }]),
  );
  for (let run = 0; run < runs; run++) {
    const output = execFileSync(process.execPath, [child, setup, JSON.stringify(folders)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      timeout: 60_000,
    });
    samples.push(JSON.parse(output.trim().split("\n").at(-1)!));
  }
  const pick = (key: keyof ColdStart) => median(samples.map((sample) => sample[key]));
  return {
    loadMs: pick("loadMs"),
    firstRequestMs: pick("firstRequestMs"),
    warmRequestMs: pick("warmRequestMs"),
  };
}
