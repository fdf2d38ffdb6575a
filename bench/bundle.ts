/**
 * The deployed bundle of a Convex functions folder, built as the Convex CLI (convex 1.48) builds it
 * for the default runtime: `bundler/index.ts` (`entryPoints`, `bundle`) and
 * `bundler/debugBundle.ts` (`innerEsbuild`). All entry points of the folder in one esbuild run, ESM,
 * browser platform, `splitting: true` (chunks under `_deps/`), identifiers and syntax minified
 * (whitespace and names kept), `convex` and `module` conditions, `NODE_ENV=production`, and
 * `async_hooks` served by the runtime's global.
 *
 * With splitting, code shared by entry points moves to chunks that an entry imports statically,
 * and a dynamic `import()` becomes a chunk that is loaded only when the import runs. What a
 * request to the HTTP router loads is its entry plus the chunks it imports statically; the chunks
 * behind dynamic imports cost only the requests that reach them.
 */
import * as esbuild from "esbuild";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { gzipSync } from "node:zlib";

// The Convex runtime provides AsyncLocalStorage as a global; the CLI maps the import onto it.
const asyncHooksShim: esbuild.Plugin = {
  name: "convex-async-hooks-shim",
  setup(build) {
    build.onResolve({ filter: /^(node:)?async_hooks$/ }, (args) => ({
      path: args.path,
      namespace: "async-hooks-shim",
    }));
    build.onLoad({ filter: /.*/, namespace: "async-hooks-shim" }, () => ({
      contents: `export const AsyncLocalStorage = globalThis.AsyncLocalStorage;
export const AsyncResource = globalThis.AsyncResource;
export default { AsyncLocalStorage, AsyncResource };`,
      loader: "js",
    }));
  },
};

const ENTRY_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".jsx"];
const USE_NODE = /^\s*("|')use node("|');?\s*$/m;

/**
 * The folder's entry points for the default runtime, by the CLI's rules: every JS/TS file except
 * `_generated/`, dotfiles, `schema.*`, names with more than one dot (`auth.config.ts`, tests),
 * folders that define a component (their own `convex.config.ts`), and `"use node"` files.
 */
export function isolateEntryPoints(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) {
        const isComponent = statSync(join(path, "convex.config.ts"), { throwIfNoEntry: false });
        if (!isComponent) walk(path);
        continue;
      }
      const rel = relative(dir, path);
      if (!ENTRY_EXTENSIONS.some((ext) => rel.endsWith(ext))) continue;
      if (rel.startsWith(`_generated${sep}`) || name.startsWith(".") || name.startsWith("#")) continue;
      if (name === "schema.ts" || name === "schema.js") continue;
      if ((name.match(/\./g) ?? []).length > 1 || rel.includes(" ")) continue;
      const source = readFileSync(path, "utf8");
      if (!/^\s{0,100}(import|export)/m.test(source) || USE_NODE.test(source)) continue;
      found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** One output file of the bundle. */
export type Chunk = {
  /** Relative to the bundle's folder: `http.js`, `_deps/<hash>.js`. */
  path: string;
  bytes: number;
  gzipBytes: number;
  /** Bytes in this chunk by the package they come from (`resend`, `convex-otp-onboarding`, `app`). */
  packages: Map<string, number>;
  imports: { path: string; dynamic: boolean }[];
};

/** A bundled functions folder, written to `outDir`. */
export type AppBundle = { outDir: string; entries: string[]; chunks: Map<string, Chunk> };

/** The package a bundled input file comes from. */
function packageOf(input: string): string {
  const parts = input.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at >= 0) return parts[at + 1].startsWith("@") ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
  if (parts[0] === "plugin") return "convex-otp-onboarding";
  return "app";
}

/** Bundles every entry point of `dir` as the Convex CLI does, writing the modules to `outDir`. */
export async function bundleApp(dir: string, outDir: string): Promise<AppBundle> {
  const entryPoints = isolateEntryPoints(dir);
  const result = await esbuild.build({
    entryPoints,
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "esnext",
    jsx: "automatic",
    outdir: outDir,
    outbase: dir,
    conditions: ["convex", "module"],
    plugins: [asyncHooksShim],
    write: false,
    sourcemap: true,
    sourcesContent: false,
    splitting: true,
    chunkNames: join("_deps", "[hash]"),
    treeShaking: true,
    minifySyntax: true,
    minifyIdentifiers: true,
    minifyWhitespace: false,
    keepNames: true,
    define: { "process.env.NODE_ENV": '"production"' },
    metafile: true,
    logLevel: "silent",
  });
  rmSync(outDir, { recursive: true, force: true });
  const fromCwd = (path: string) => relative(outDir, resolve(path)).split(sep).join("/");
  const chunks = new Map<string, Chunk>();
  const entries: string[] = [];
  const contents = new Map(result.outputFiles.map((file) => [resolve(file.path), file.contents]));
  for (const [outPath, output] of Object.entries(result.metafile.outputs)) {
    // Source maps are uploaded beside the modules, never loaded by the runtime.
    if (outPath.endsWith(".map")) continue;
    const path = fromCwd(outPath);
    const bytes = contents.get(resolve(outPath))!;
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    writeFileSync(join(outDir, path), bytes);
    const packages = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      packages.set(name, (packages.get(name) ?? 0) + bytesInOutput);
    }
    // esbuild names the target of a dynamic import an entry point too: keep the folder's own.
    if (output.entryPoint && entryPoints.some((entry) => resolve(entry) === resolve(output.entryPoint!))) entries.push(path);
    chunks.set(path, {
      path,
      bytes: bytes.byteLength,
      gzipBytes: gzipSync(bytes).byteLength,
      packages,
      imports: output.imports
        .filter((imported) => !imported.external)
        .map((imported) => ({ path: fromCwd(imported.path), dynamic: imported.kind === "dynamic-import" })),
    });
  }
  return { outDir, entries: entries.sort(), chunks };
}

/** The chunks reachable from `from` by static imports, `from` included. */
function staticClosure(bundle: AppBundle, from: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of bundle.chunks.get(path)!.imports) if (!imported.dynamic) visit(imported.path);
  };
  for (const path of from) visit(path);
  return seen;
}

/** What an entry costs: the chunks every request loads, and those loaded only on demand. */
export type EntryCost = { loaded: Chunk[]; onDemand: Chunk[] };

/**
 * Splits what `entry` (e.g. `http.js`) can load into what every request loads (the entry and its
 * static imports, transitively) and what only a dynamic `import()` loads, with the latter's own
 * static imports.
 */
export function entryCost(bundle: AppBundle, entry: string): EntryCost {
  const loaded = staticClosure(bundle, [entry]);
  const reachable = new Set(loaded);
  let frontier = [...loaded];
  while (frontier.length > 0) {
    const dynamic = frontier.flatMap((path) =>
      bundle.chunks.get(path)!.imports.filter((i) => i.dynamic && !reachable.has(i.path)).map((i) => i.path),
    );
    const added = [...staticClosure(bundle, dynamic)].filter((path) => !reachable.has(path));
    for (const path of added) reachable.add(path);
    frontier = added;
  }
  const chunk = (path: string) => bundle.chunks.get(path)!;
  return {
    loaded: [...loaded].map(chunk),
    onDemand: [...reachable].filter((path) => !loaded.has(path)).map(chunk),
  };
}

/** Total bytes and gzip bytes of some chunks. */
export const sizeOf = (chunks: readonly Chunk[]) => ({
  bytes: chunks.reduce((sum, c) => sum + c.bytes, 0),
  gzipBytes: chunks.reduce((sum, c) => sum + c.gzipBytes, 0),
});

/** Bytes by package across `chunks`, largest first. */
export function packagesOf(chunks: readonly Chunk[]): [string, number][] {
  const totals = new Map<string, number>();
  for (const chunk of chunks)
    for (const [name, bytes] of chunk.packages) totals.set(name, (totals.get(name) ?? 0) + bytes);
  return [...totals].sort((a, b) => b[1] - a[1]);
}
