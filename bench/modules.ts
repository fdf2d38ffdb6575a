/**
 * The modules map that `convexTest` and `registerComponent` take, built from the file system, so
 * that convex-test runs under plain Node (tsx) where `import.meta.glob` does not exist.
 */
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";

/** `{ "./auth.ts": () => import(".../auth.ts") }`, the shape `import.meta.glob` returns. */
export type ModuleMap = Record<string, () => Promise<any>>;

const isModule = (name: string) =>
  /\.(ts|js)$/.test(name) && !name.endsWith(".d.ts") && !name.includes(".test.");

/**
 * Every module under `dir`, keyed relative to it (`./_generated/api.ts`, `./betterAuth/adapter.ts`).
 * Keys are sorted so that `dir`'s own `_generated` comes before a component's: convex-test takes
 * the first `_generated` key it sees as the root of the functions.
 */
export function moduleMap(dir: string): ModuleMap {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter(isModule)
    .map((file) => `./${relative(dir, join(dir, file)).split("\\").join("/")}`)
    .sort();
  return Object.fromEntries(
    files.map((key) => [key, () => import(pathToFileURL(join(dir, key)).href)]),
  );
}
