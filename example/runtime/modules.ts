import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** What convex-test takes as `modules`: the shape `import.meta.glob("./**\/*.*s")` returns. */
export type ModuleMap = Record<string, () => Promise<any>>;

const SOURCE = /\.(ts|js|mts|mjs)$/;
const SKIPPED = /\.(d|test|typecheck)\.[mc]?[tj]s$/;

/**
 * The modules of a Convex functions directory, keyed `"./path/file.ts"` and loaded on demand, as
 * `import.meta.glob` would give them (outside Vite there is no `import.meta.glob`). Keys include
 * `_generated/`, which is how convex-test finds the root.
 */
export function modulesOf(dir: string): ModuleMap {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((file) => file.split(path.sep).join("/"))
    .filter((file) => SOURCE.test(file) && !SKIPPED.test(file))
    .sort();
  return Object.fromEntries(
    files.map((file) => [`./${file}`, () => import(pathToFileURL(path.join(dir, file)).href)]),
  );
}

/** The part of a module map under `folder` (e.g. a component's own directory), keys kept as they are. */
export function modulesUnder(modules: ModuleMap, folder: string): ModuleMap {
  const prefix = `./${folder}/`;
  return Object.fromEntries(Object.entries(modules).filter(([key]) => key.startsWith(prefix)));
}
