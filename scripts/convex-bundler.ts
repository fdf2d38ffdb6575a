/** The Convex CLI's own bundler, run offline: what `npm run check:deploy` and `check:init` use. */
import { spawn } from "node:child_process";

/** An error esbuild (`✘ [ERROR]`) or the CLI (`✖`) printed: the exit code should say so too. */
export const ERROR_LINE = /✘ \[ERROR\]|✖/;

/**
 * Runs the Convex CLI's bundler over the app in `cwd` (its functions folder and every component),
 * offline: the push request is written to `${requestBase}.json` instead of being sent.
 */
export async function bundleOffline(cwd: string, requestBase: string): Promise<{ code: number; output: string }> {
  // The CLI would otherwise take the deployment from these; with --url and --admin-key it
  // ignores them, and removing them makes sure of it.
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("CONVEX_")),
  );
  // Non-interactive, and the CLI's error reporting stays off: this check talks to no one.
  env.CI = "true";
  const args = [
    "--no-install",
    "convex",
    "deploy",
    "--url",
    "http://127.0.0.1:9",
    "--admin-key",
    "check-deploy",
    "--codegen",
    "disable",
    "--typecheck",
    "disable",
    // Hidden flags: every module into the request (no hashes asked from a server), written to
    // `${requestBase}.json` instead of being uploaded.
    "--push-all-modules",
    "--write-push-request",
    requestBase,
    "-y",
  ];
  const child = spawn("npx", args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => void (output += chunk.toString()));
  const code = await new Promise<number>((resolve) => {
    child.once("error", (error) => {
      output += `\n${error.message}`;
      resolve(1);
    });
    child.once("exit", (exitCode) => resolve(exitCode ?? 1));
  });
  return { code, output };
}

