import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

// What the app's bundle is made of: its own sources and what it imports from the library and backend.
const SOURCES = ["example/src", "example/index.html", "example/vite.config.ts", "plugin", "convex"];

function newestChange(file: string): number {
  const info = statSync(file, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(
    info.mtimeMs,
    ...readdirSync(file).map((name) => newestChange(path.join(file, name))),
  );
}

/**
 * Builds the example app with Vite when its build is missing or older than its sources. The build
 * runs in its own process: Vite sets NODE_ENV=production, which must not leak into the runtime.
 */
export function buildAppIfStale(repo: string): void {
  const built = statSync(path.join(repo, "example/dist/index.html"), { throwIfNoEntry: false });
  const sources = Math.max(...SOURCES.map((source) => newestChange(path.join(repo, source))));
  if (built && built.mtimeMs >= sources) return;
  console.log("Building the example app…");
  const vite = path.join(repo, "node_modules/vite/bin/vite.js");
  const result = spawnSync(
    process.execPath,
    [vite, "build", "--config", "example/vite.config.ts", "--logLevel", "warn"],
    { cwd: repo, env: { ...process.env, NODE_ENV: "production" }, stdio: "inherit" },
  );
  if (result.status !== 0) throw new Error(`building the example app failed (exit ${result.status})`);
}
