/**
 * Vitest global setup for the example's tests: runs `npm start` (which builds the app if needed)
 * on a free port, once, and hands its URL to the tests as `inject("runtimeUrl")`.
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    runtimeUrl: string;
    /** The same app served from a second origin (`APP_PORT`), calling the backend cross-domain. */
    appUrl: string;
    /** The file that receives everything `npm start` prints, for tests that read its log. */
    runtimeLog: string;
  }
}

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** A TCP port nothing listens on now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Runs `npm start` on a free port with `env` added to this process's environment, its output
 * written to `logPath`. Resolves once it listens, with its URL and a `stop()` that ends npm and the
 * server it started together.
 */
export async function spawnRuntime(env: Record<string, string>, logPath: string) {
  const port = await freePort();
  mkdirSync(path.dirname(logPath), { recursive: true });
  const log = createWriteStream(logPath);
  // Its own process group, so that `stop` ends npm and the server it started together.
  const runtime = spawn("npm", ["start"], {
    cwd: repo,
    env: { ...process.env, ...env, PORT: String(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  runtime.stdout.pipe(log);
  runtime.stderr.pipe(log);

  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      if (runtime.pid !== undefined) process.kill(-runtime.pid, "SIGTERM");
      reject(new Error(`npm start did not come up:\n${output}`));
    }, 110_000);
    runtime.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    runtime.stderr.on("data", (chunk: Buffer) => void (output += chunk.toString()));
    runtime.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });

  async function stop() {
    if (runtime.exitCode !== null || runtime.pid === undefined) return;
    const exited = new Promise((resolve) => runtime.once("exit", resolve));
    process.kill(-runtime.pid, "SIGTERM");
    await exited;
    log.end();
  }
  return { url, stop };
}

export default async function startRuntime(project: TestProject) {
  const logPath = path.join(repo, "test-results", "runtime.log");
  // The app on a second origin too, for the cross-domain tests.
  const appPort = await freePort();
  const { url, stop } = await spawnRuntime({ APP_PORT: String(appPort) }, logPath);
  project.provide("runtimeUrl", url);
  project.provide("appUrl", `http://127.0.0.1:${appPort}`);
  project.provide("runtimeLog", logPath);
  return stop;
}
