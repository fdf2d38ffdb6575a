/**
 * Proves the browser tests' fallback: runs the browser suite as a machine without a system Chromium
 * would run it. In a private mount namespace every path of `SYSTEM_CHROMIUM_PATHS` is masked with
 * /dev/null, `CHROMIUM_PATH` is unset and the temp directory is new, so the suite has to unpack
 * @sparticuz/chromium and run in it. `CI=true`, so a browser that is not found fails the run
 * instead of skipping it; and the run fails unless the suite said it ran in @sparticuz/chromium.
 *
 * Linux only (`unshare` from util-linux); as root it needs nothing else, otherwise user namespaces.
 *
 * ```sh
 * npm run test:browser-fallback
 * ```
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SYSTEM_CHROMIUM_PATHS } from "../example/test/browser";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tmp = mkdtempSync(path.join(os.tmpdir(), "browser-fallback-"));

// Runs inside the namespace: mounts there are private, so nothing outside sees the masks.
const inside = `
for exe in "$@"; do
  if [ -e "$exe" ]; then mount --bind /dev/null "$exe"; echo "masked $exe"; fi
done
exec npx vitest run --project example example/app.e2e.test.ts
`;
const asRoot = process.getuid?.() === 0;
const unshare = [...(asRoot ? [] : ["--user", "--map-root-user"]), "--mount", "--propagation", "private"];

const env: NodeJS.ProcessEnv = { ...process.env, CI: "true", TMPDIR: tmp };
delete env.CHROMIUM_PATH;

const child = spawn("unshare", [...unshare, "bash", "-euc", inside, "bash", ...SYSTEM_CHROMIUM_PATHS], {
  cwd: repo,
  env,
  stdio: ["ignore", "pipe", "inherit"],
});
let output = "";
child.stdout.on("data", (chunk: Buffer) => {
  output += chunk.toString();
  process.stdout.write(chunk);
});
const code = await new Promise<number>((resolve) => {
  child.once("error", (error) => {
    console.error(`browser-fallback: could not run unshare: ${error.message}`);
    resolve(1);
  });
  child.once("exit", (exitCode) => resolve(exitCode ?? 1));
});
rmSync(tmp, { recursive: true, force: true });

const chosen = /\[browser tests\] .*/.exec(output)?.[0];
if (code !== 0) {
  console.error(`browser-fallback: the browser suite failed (exit ${code}) with the system Chromium masked.`);
  process.exit(code);
}
if (!chosen?.includes("from @sparticuz/chromium")) {
  console.error(`browser-fallback: the suite did not run in @sparticuz/chromium: ${chosen ?? "no [browser tests] line"}`);
  process.exit(1);
}
console.log(`browser-fallback: passed with the system Chromium masked. ${chosen}`);
