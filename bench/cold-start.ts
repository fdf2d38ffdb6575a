/** Cold start: a fresh process loads the bundled HTTP entry and answers its first request. */
import * as esbuild from "esbuild";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SetupName } from "./setups.js";
import { median } from "./stats.js";

/** Timings of one cold start, in milliseconds. */
export type ColdStart = {
  /** Loading (parsing and evaluating) the HTTP bundle. */
  loadMs: number;
  /** The first request, `send-verification-otp`: the loads above and the adapter's, and the answer. */
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

/** Starts `runs` fresh processes and returns the median of each timing. */
export function measureColdStart(
  child: string,
  setup: SetupName,
  bundles: { http: string; adapter: string },
  runs: number,
): ColdStart {
  const samples: ColdStart[] = [];
  for (let run = 0; run < runs; run++) {
    const output = execFileSync(process.execPath, [child, setup, bundles.http, bundles.adapter], {
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
