/**
 * Which files of a Convex functions directory are modules, by the rules of the Convex CLI
 * (`entryPoints` in convex/src/bundler/index.ts, which also feeds `_generated/api`): the same list
 * that `npx convex dev` would write into `_generated/`, found without a deployment.
 *
 * ```ts
 * convexModules("convex"); // ["auth", "functions", "http", ...]
 * localComponents("convex"); // ["convex/betterAuth"]
 * ```
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** The extensions esbuild can take an entry point from; others (JSON, CSS) are never modules. */
const ENTRY_POINT_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".jsx"];

/** A folder with its own `convex.config.ts` is a component: never part of its parent's modules. */
export function isComponentDir(dir: string): boolean {
  return existsSync(path.join(dir, "convex.config.ts"));
}

/** Why the CLI skips a file, or `null` when the file is a module. */
function skipReason(relPath: string, fullPath: string): string | null {
  const base = path.basename(relPath);
  if (!ENTRY_POINT_EXTENSIONS.some((ext) => relPath.endsWith(ext))) return "not JavaScript";
  if (relPath.startsWith(`_generated${path.sep}`)) return "generated";
  if (base.startsWith(".") || base.startsWith("#")) return "dotfile or editor file";
  if (base === "schema.ts" || base === "schema.js") return "the schema";
  // `convex.config.ts`, `auth.config.ts`, `*.test.ts`, `*.d.ts`, `test.setup.ts`.
  if ((base.match(/\./g) ?? []).length > 1) return "more than one dot";
  if (relPath.includes(" ")) return "a space in the path";
  // A TypeScript file with no line starting with import or export is not a module to the CLI.
  if (/\.tsx?$/.test(fullPath) && !/^\s{0,100}(import|export)/m.test(readFileSync(fullPath, "utf8"))) {
    return "no import or export";
  }
  return null;
}

/**
 * The modules of a functions directory (`convex/` or a local component's folder), as the keys of
 * `_generated/api`'s `fullApi`: relative paths without extension, `/`-separated, sorted.
 */
export function convexModules(dir: string): string[] {
  const modules: string[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const relPath = path.join(sub, entry.name);
      const fullPath = path.join(dir, relPath);
      if (entry.isDirectory()) {
        if (!isComponentDir(fullPath)) walk(relPath);
      } else if (entry.isFile() && skipReason(relPath, fullPath) === null) {
        modules.push(relPath.split(path.sep).join("/").replace(/\.[^./]+$/, ""));
      }
    }
  };
  walk("");
  return modules.sort();
}

/** The file of a module named as {@link convexModules} names it, e.g. `lib/helpers` → `lib/helpers.ts`. */
export function moduleFile(dir: string, module: string): string | undefined {
  return ENTRY_POINT_EXTENSIONS.map((ext) => path.join(dir, module + ext)).find((file) => existsSync(file));
}

/** Every folder under `dir` that is a component of its own (nested ones too), sorted. */
export function localComponents(dir: string): string[] {
  const found: string[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(sub, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === "_generated" || entry.name === "node_modules") continue;
      const child = path.join(sub, entry.name);
      if (isComponentDir(child)) found.push(child);
      walk(child);
    }
  };
  walk(dir);
  return found.sort();
}
