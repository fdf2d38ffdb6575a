/**
 * `npm run check:deploy`: bundles `convex/` and every component it uses with the Convex CLI's own
 * bundler, as `npx convex deploy` does before it uploads, and prints each module's bundled size.
 * Fails on any bundling error.
 *
 * No network and no deployment: the CLI is pointed at a closed local port with a dummy admin key
 * and told to write the push request (the whole upload: the app, each component's definition,
 * schema and modules) to a temp file instead of sending it. Codegen is off, so `convex/_generated/`
 * is never rewritten (it is kept by hand; `scripts/generated-drift.test.ts` checks it), and so is
 * the typecheck (`npm run typecheck` does it). What this cannot check is what only a backend
 * does: run the modules, validate the schema against stored data, build indexes.
 *
 * ```sh
 * npm run check:deploy
 * ```
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleOffline, ERROR_LINE } from "./convex-bundler.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** One uploaded file of the push request. */
type Module = { path: string; source: string; sourceMap?: string; environment: "isolate" | "node" };

/** What `--write-push-request` writes: the body of the CLI's `/api/deploy2/start_push`. */
type PushRequest = {
  appDefinition: { definition: Module | null; schema: Module | null; changedModules: Module[] };
  componentDefinitions: {
    definitionPath: string;
    definition: Module;
    schema: Module | null;
    functions: Module[];
  }[];
  nodeDependencies: { name: string; version: string }[];
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
const size = (module: Module) => Buffer.byteLength(module.source);

/** One component's modules: the definition, the schema, each entry module, the shared chunks. */
function report(name: string, parts: { definition: Module | null; schema: Module | null; modules: Module[] }) {
  const rows: [string, number][] = [];
  if (parts.definition) rows.push([`${parts.definition.path} (definition)`, size(parts.definition)]);
  if (parts.schema) rows.push([`${parts.schema.path} (schema)`, size(parts.schema)]);
  const entries = parts.modules.filter((m) => !m.path.startsWith("_deps/"));
  const chunks = parts.modules.filter((m) => m.path.startsWith("_deps/"));
  for (const module of entries.sort((a, b) => a.path.localeCompare(b.path))) {
    const node = module.environment === "node" ? " (node)" : "";
    rows.push([`${module.path}${node}`, size(module)]);
  }
  if (chunks.length > 0) {
    rows.push([`_deps/ (${chunks.length} shared chunks)`, chunks.reduce((sum, m) => sum + size(m), 0)]);
  }
  const total = rows.reduce((sum, [, bytes]) => sum + bytes, 0);
  console.log(`\n${name}: ${entries.length} module${entries.length === 1 ? "" : "s"}, ${kb(total)}`);
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, bytes] of rows) console.log(`  ${label.padEnd(width)}  ${kb(bytes).padStart(9)}`);
}

/** Bundles, reports, and answers the exit code; `requestBase` is where the CLI writes. */
async function check(requestBase: string): Promise<number> {
  const { code, output } = await bundleOffline(repo, requestBase);
  if (code !== 0 || ERROR_LINE.test(output)) {
    console.error(output.trim());
    console.error(`\ncheck:deploy: the Convex bundler failed (exit ${code}).`);
    return 1;
  }

  // esbuild's warnings (`▲ [WARNING]`) do not stop a deploy; shown, so that they are read.
  if (output.includes("[WARNING]")) console.log(output.trim());

  const request = JSON.parse(readFileSync(`${requestBase}.json`, "utf8")) as PushRequest;
  const app = request.appDefinition;
  if (app.changedModules.length === 0) {
    console.error("check:deploy: the push request has no app modules.");
    return 1;
  }
  console.log("The Convex CLI bundled convex/ and its components, offline (bundled sizes, no source maps):");
  report("app (convex/)", { definition: app.definition, schema: app.schema, modules: app.changedModules });
  for (const component of request.componentDefinitions) {
    // Paths are relative to convex/: `betterAuth`, `../node_modules/@convex-dev/rate-limiter/...`.
    const where = path.join("convex", component.definitionPath);
    report(`component ${where}`, { ...component, modules: component.functions });
  }
  if (request.nodeDependencies.length > 0) {
    console.log(`\nNode dependencies ("use node"): ${request.nodeDependencies.map((d) => d.name).join(", ")}`);
  }
  const count = 1 + request.componentDefinitions.length;
  console.log(`\ncheck:deploy: ${count} bundles ready to push (not pushed: no backend ran them).`);
  return 0;
}

const dir = mkdtempSync(path.join(os.tmpdir(), "check-deploy-"));
let exitCode = 1;
try {
  exitCode = await check(path.join(dir, "push-request"));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
