/**
 * The deployed bundle of a function entry, built with the options that the Convex CLI
 * (convex 1.48, `bundler/debugBundle.js`) passes to esbuild for the default runtime: ESM, browser
 * platform, identifiers and syntax minified (whitespace kept, names kept), `convex` and `module`
 * conditions, `NODE_ENV=production`, and `async_hooks` served by the runtime's global.
 */
import * as esbuild from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { basename, join } from "node:path";

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

/** One bundled entry: where it was written and how big it is. */
export type Bundle = { entry: string; file: string; bytes: number; gzipBytes: number };

/**
 * Bundles `entry` (e.g. `convex/http.ts`) into `outDir`, self-contained (no chunks shared with
 * other entries), and returns its size.
 */
export async function bundleEntry(entry: string, outDir: string): Promise<Bundle> {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "esnext",
    jsx: "automatic",
    conditions: ["convex", "module"],
    plugins: [asyncHooksShim],
    write: false,
    outdir: outDir,
    treeShaking: true,
    minifySyntax: true,
    minifyIdentifiers: true,
    minifyWhitespace: false,
    keepNames: true,
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  const [output] = result.outputFiles;
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, basename(output.path).replace(/\.js$/, ".mjs"));
  writeFileSync(file, output.contents);
  return {
    entry,
    file,
    bytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents).byteLength,
  };
}
