import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort } from "../test/start-runtime";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Whether any process of the group `pgid` is still alive. */
function groupAlive(pgid: number) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `npm start` (already built: pre-scripts skipped) in a process group of its own, sends
 * `signal` to npm alone, as a container or process manager does, and says how long the whole
 * group took to end, and whether the port still answered after.
 */
async function stopWith(signal: NodeJS.Signals) {
  const port = await freePort();
  const npm = spawn("npm", ["start", "--ignore-scripts"], {
    cwd: repo,
    env: { ...process.env, PORT: String(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pgid = npm.pid!;
  try {
    await new Promise<void>((resolve, reject) => {
      let output = "";
      npm.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("running at")) resolve();
      });
      npm.stderr.on("data", (chunk: Buffer) => void (output += chunk.toString()));
      npm.once("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
    });
    const sent = Date.now();
    process.kill(npm.pid!, signal);
    while (groupAlive(pgid) && Date.now() - sent < 10_000) await new Promise((resolve) => setTimeout(resolve, 100));
    const stoppedIn = Date.now() - sent;
    const answered = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    return { stoppedIn, answered };
  } finally {
    if (groupAlive(pgid)) process.kill(-pgid, "SIGKILL");
  }
}

describe("npm start", () => {
  it(
    "stops wholly, server included, within a few seconds of SIGTERM or SIGINT sent to npm",
    { timeout: 120_000 },
    async () => {
      const [term, int] = await Promise.all([stopWith("SIGTERM"), stopWith("SIGINT")]);
      for (const stopped of [term, int]) {
        expect(stopped.answered).toBe(false);
        expect(stopped.stoppedIn).toBeLessThan(5_000);
      }
    },
  );
});
