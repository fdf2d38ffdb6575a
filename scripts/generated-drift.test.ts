/**
 * `convex/_generated/` and each local component's `_generated/` are committed and kept by hand
 * (`npx convex codegen` needs a deployment once an app uses components). These tests fail when
 * they no longer name the modules that are there: a module added without its line, or a line left
 * for a module that is gone.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { convexModules, localComponents, moduleFile } from "./convex-modules";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const convexDir = path.join(repo, "convex");
const rel = (file: string) => path.relative(repo, file);

/** The keys of `fullApi: ApiFromModules<{ ... }>` in a generated `api.d.ts` or `api.ts`. */
function fullApiModules(apiFile: string): string[] {
  const text = readFileSync(apiFile, "utf8");
  const block = /fullApi: ApiFromModules<\{([\s\S]*?)\}>/.exec(text)?.[1];
  if (block === undefined) throw new Error(`${rel(apiFile)} has no \`fullApi: ApiFromModules<{ ... }>\``);
  return [...block.matchAll(/^\s*(?:"([^"]+)"|([\w$]+))\s*:\s*typeof\b/gm)].map((m) => m[1] ?? m[2]!).sort();
}

/**
 * The modules of `export type ComponentApi<...> = { module: { fn: FunctionReference<...> } }` in a
 * generated `component.ts`, each with its function names. Nested folders are nested objects.
 */
function componentApiModules(componentFile: string): Map<string, string[]> {
  const text = readFileSync(componentFile, "utf8");
  const start = /export type ComponentApi(?:<[^>]*>)?\s*=\s*/.exec(text);
  if (!start) throw new Error(`${rel(componentFile)} has no \`export type ComponentApi = { ... }\``);
  let at = start.index + start[0].length;
  const modules = new Map<string, string[]>();
  const skipSpace = () => {
    while (/\s/.test(text[at] ?? "")) at++;
  };
  // Skips one type that is not an object of the tree (a FunctionReference<...>), to its `;` or `,`.
  const skipLeaf = () => {
    let depth = 0;
    for (; at < text.length; at++) {
      const c = text[at]!;
      if ("{[(<".includes(c)) depth++;
      else if ("}])".includes(c) || (c === ">" && text[at - 1] !== "=")) {
        if (depth === 0) return; // the closing brace of the object that holds this leaf
        depth--;
      } else if ((c === ";" || c === ",") && depth === 0) return;
    }
  };
  const parseObject = (keys: string[]) => {
    at++; // `{`
    for (;;) {
      skipSpace();
      if (text[at] === "}") return void at++;
      const key = /^(?:"([^"]+)"|([\w$]+))\s*\??:\s*/.exec(text.slice(at));
      if (!key) throw new Error(`${rel(componentFile)}: cannot read the ComponentApi type near "${text.slice(at, at + 40)}"`);
      at += key[0].length;
      const name = key[1] ?? key[2]!;
      if (text[at] === "{") {
        parseObject([...keys, name]);
      } else {
        const module = keys.join("/");
        modules.set(module, [...(modules.get(module) ?? []), name]);
        skipLeaf();
      }
      skipSpace();
      if (text[at] === ";" || text[at] === ",") at++;
    }
  };
  skipSpace();
  if (text[at] !== "{") throw new Error(`${rel(componentFile)}: ComponentApi is not an object type`);
  parseObject([]);
  return modules;
}

/** What to say for each module missing from, or left over in, a generated listing. */
function drift(file: string, expected: string[], listed: string[], dir: string, fix: (m: string) => string) {
  const problems: string[] = [];
  for (const module of expected.filter((m) => !listed.includes(m))) {
    problems.push(`${rel(file)} is missing module "${module}" (${rel(moduleFile(dir, module)!)}): ${fix(module)}`);
  }
  for (const module of listed.filter((m) => !expected.includes(m))) {
    problems.push(
      `${rel(file)} lists module "${module}", which ${rel(dir)}/ no longer has as a module: remove its import and its fullApi entry`,
    );
  }
  return problems;
}

/** Registered functions carry these flags (convex/server's registration); other exports are helpers. */
function isConvexFunction(value: unknown): boolean {
  const flags = value as { isQuery?: boolean; isMutation?: boolean; isAction?: boolean };
  return typeof value === "function" && Boolean(flags.isQuery || flags.isMutation || flags.isAction);
}

const identifier = (module: string) => module.replace(/[/-]/g, "_");
const addLine = (module: string) =>
  `add \`import type * as ${identifier(module)} from "../${module}.js";\` and \`"${module}": typeof ${identifier(module)};\` to fullApi`;

describe("convex/_generated/", () => {
  it("names every module of convex/ in api.d.ts, and no other", () => {
    const apiFile = ["api.d.ts", "api.ts"].map((f) => path.join(convexDir, "_generated", f)).find(existsSync)!;
    const problems = drift(apiFile, convexModules(convexDir), fullApiModules(apiFile), convexDir, addLine);
    expect(problems).toEqual([]);
  });

  it("types each local component in api.d.ts's components, and no other", () => {
    const apiFile = path.join(convexDir, "_generated", "api.d.ts");
    const text = readFileSync(apiFile, "utf8");
    const typed = [...text.matchAll(/import\("\.\.\/([^"]+)\/_generated\/component\.js"\)/g)].map((m) => m[1]!);
    const local = localComponents(convexDir)
      .map((dir) => path.relative(convexDir, dir).split(path.sep).join("/"))
      // Nested components are their parent's children, typed in the parent's _generated/api.ts.
      .filter((dir) => !dir.includes("/"));
    const problems = [
      ...local
        .filter((dir) => !typed.includes(dir))
        .map((dir) => `${rel(apiFile)}: components does not type convex/${dir}/ (import("../${dir}/_generated/component.js"))`),
      ...typed
        .filter((dir) => !local.includes(dir))
        .map((dir) => `${rel(apiFile)}: components types ../${dir}/, which is not a component folder of convex/ any more`),
    ];
    expect(problems).toEqual([]);
  });
});

describe.each(localComponents(convexDir).map((dir) => [rel(dir), dir]))("%s/_generated/", (_name, dir) => {
  it("names every module of the component in api.ts, and no other", () => {
    const apiFile = path.join(dir, "_generated", "api.ts");
    const problems = drift(apiFile, convexModules(dir), fullApiModules(apiFile), dir, addLine);
    expect(problems).toEqual([]);
  });

  it("types every exported function of the component in component.ts, and no other", async () => {
    const componentFile = path.join(dir, "_generated", "component.ts");
    const typed = componentApiModules(componentFile);
    const problems: string[] = [];
    for (const module of convexModules(dir)) {
      const file = moduleFile(dir, module)!;
      const exports: Record<string, unknown> = await import(file);
      const functions = Object.entries(exports)
        .filter(([, value]) => isConvexFunction(value))
        .map(([name]) => name)
        .sort();
      const listed = [...(typed.get(module) ?? [])].sort();
      for (const name of functions.filter((f) => !listed.includes(f))) {
        problems.push(`${rel(componentFile)}: ComponentApi lacks ${module}.${name} (${rel(file)}): add its FunctionReference`);
      }
      for (const name of listed.filter((f) => !functions.includes(f))) {
        problems.push(`${rel(componentFile)}: ComponentApi has ${module}.${name}, which ${rel(file)} no longer exports: remove it`);
      }
      typed.delete(module);
    }
    for (const module of typed.keys()) {
      problems.push(`${rel(componentFile)}: ComponentApi has module "${module}", which ${rel(dir)}/ no longer has: remove it`);
    }
    expect(problems).toEqual([]);
    // It imports the component's modules, and with them Better Auth and the app's auth options:
    // a cold import of that graph took over Vitest's default 5 s on a loaded 2-core machine.
  }, 30_000);
});

// The fixture apps of `npm run check:init` keep theirs by hand too, as each app is before init.
const fixtures = path.join(repo, "scripts/init-fixtures");
const fixtureApps = readdirSync(fixtures).map((name) => [name, path.join(fixtures, name, "convex")]);
describe.each(fixtureApps)("scripts/init-fixtures/%s/convex/_generated/", (_name, dir) => {
  it("names every module of the fixture in api.d.ts, and no other", () => {
    const apiFile = path.join(dir, "_generated", "api.d.ts");
    expect(drift(apiFile, convexModules(dir), fullApiModules(apiFile), dir, addLine)).toEqual([]);
  });
});

describe("the module rules of the Convex CLI", () => {
  it("take JS and TS files with an import or export, skip the rest, and leave component folders out", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "convex-modules-"));
    const files: Record<string, string> = {
      "profiles.ts": "export const x = 1;",
      "http.ts": "import { httpRouter } from 'convex/server';",
      "crons.ts": "export default {};",
      "lib/helpers.ts": "export const y = 2;",
      "legacy.js": "module.exports = {};", // JS needs no import or export
      "schema.ts": "export default {};",
      "auth.config.ts": "export default {};",
      "convex.config.ts": "export default {};",
      "profiles.test.ts": "import 'vitest';",
      "types.d.ts": "export type T = 1;",
      "test.setup.ts": "export {};",
      "notes.ts": "// nothing to import or export",
      ".hidden.ts": "export {};",
      "has space.ts": "export {};",
      "data.json": "{}",
      "_generated/api.js": "export const api = {};",
      "widget/convex.config.ts": "export default {};",
      "widget/inside.ts": "export const z = 3;",
    };
    try {
      for (const [file, source] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), source);
      }
      expect(convexModules(dir)).toEqual(["crons", "http", "legacy", "lib/helpers", "profiles"]);
      expect(localComponents(dir)).toEqual([path.join(dir, "widget")]);
      expect(convexModules(path.join(dir, "widget"))).toEqual(["inside"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
