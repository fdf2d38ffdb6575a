/**
 * What `init` finds in the app: where its Convex functions live, which of the files it edits
 * exist, whether Better Auth is already set up, and whether the app uses React.
 */
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { InitError } from "./errors.js";
import { readText } from "./files.js";

/** The app `init` runs in. Paths are relative to `root`, with forward slashes. */
export type ConvexApp = {
  root: string;
  /** The functions folder: `convex`, or the `functions` path of `convex.json`. */
  convexDir: string;
  dependencies: Set<string>;
  react: boolean;
  /** Where a client file goes when the app uses React: `src`, or the root. */
  clientDir: string;
  /** `@convex-dev/better-auth` in package.json, or its component in convex.config.ts. */
  hasBetterAuth: boolean;
};

/** Finds the Convex app rooted at `root`; throws `InitError` when it is not one. */
export function findApp(root: string): ConvexApp {
  const manifestText = readText(path.join(root, "package.json"));
  if (manifestText === null) {
    throw new InitError(`no package.json in ${root}: run init in the root of a Convex app.`);
  }
  let manifest: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  try {
    manifest = JSON.parse(manifestText);
  } catch (error) {
    throw new InitError(`package.json is not valid JSON (${(error as Error).message}). Nothing was changed.`);
  }
  const convexDir = functionsDir(root);
  if (!existsSync(path.join(root, convexDir)) || !statSync(path.join(root, convexDir)).isDirectory()) {
    throw new InitError(
      `not a Convex app: no ${convexDir}/ folder in ${root}. Run init in the root of a Convex app ` +
        "(`npm create convex@latest` makes one), or set `functions` in convex.json.",
    );
  }
  const dependencies = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.devDependencies ?? {}),
  ]);
  if (!dependencies.has("convex")) {
    throw new InitError(`not a Convex app: package.json does not depend on convex. Run \`npm install convex\` first.`);
  }
  const config = readText(path.join(root, convexDir, "convex.config.ts")) ?? "";
  return {
    root,
    convexDir,
    dependencies,
    react: dependencies.has("react"),
    clientDir: existsSync(path.join(root, "src")) ? "src" : ".",
    hasBetterAuth: dependencies.has("@convex-dev/better-auth") || config.includes("@convex-dev/better-auth"),
  };
}

/** `convex`, or the `functions` folder `convex.json` names. */
function functionsDir(root: string): string {
  const text = readText(path.join(root, "convex.json"));
  if (text === null) return "convex";
  let config: { functions?: unknown };
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new InitError(`convex.json is not valid JSON (${(error as Error).message}). Nothing was changed.`);
  }
  if (config.functions === undefined) return "convex";
  if (typeof config.functions !== "string") throw new InitError("convex.json: `functions` is not a path.");
  return path.posix.normalize(config.functions.replaceAll("\\", "/")).replace(/\/$/, "");
}

/** The packages the app's files import, that `root` cannot resolve yet. */
export function missingPackages(root: string, names: readonly string[]): string[] {
  const require = createRequire(path.join(root, "package.json"));
  return names.filter((name) => {
    try {
      require.resolve(`${name}/package.json`);
      return false;
    } catch {
      return !existsSync(path.join(root, "node_modules", name, "package.json"));
    }
  });
}
