/**
 * `npm run check:package`: proves the package installs into a new app as `docs/` says.
 *
 * 1. Packs `plugin/` with `npm pack` (which builds it) and reports the tarball's size and files.
 * 2. Creates an app in a new temporary folder outside the repository from `docs/` alone: every
 *    code block of a docs page that starts with a `// <path>` line is written to that path, the
 *    tarball is put in the app's root, and the `npm install` lines of `docs/install.md` are run as
 *    written (they name the tarball, as the package is not on the registry yet).
 * 3. Adds what `npx convex dev` would write (it needs a deployment, which this machine cannot
 *    reach), as `docs/install.md` ("convex/_generated/", offline) says, and prints each file and
 *    where it came from: `convex/tsconfig.json`, and `_generated/` for the app and its component.
 * 4. Checks that the app's tree holds one copy of convex, the newest in the package's peer range;
 *    then runs the app's `tsc` (strict, with `exactOptionalPropertyTypes` and
 *    `noPropertyAccessFromIndexSignature`) and its convex-test suite.
 *
 * Options: `--keep` leaves the app folder in place for a look.
 */
import { execFileSync, type ExecFileSyncOptions } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { convexModules } from "./convex-modules.js";
import { docsRecipe, INSTALL_PAGE } from "./docs-recipe.js";

// Written by `npx convex dev` into a new app's convex/ folder.
const CONVEX_TSCONFIG = `{
  "compilerOptions": {
    "allowJs": true,
    "strict": true,
    "moduleResolution": "Bundler",
    "jsx": "react-jsx",
    "skipLibCheck": true,
    "allowSyntheticDefaultImports": true,
    "target": "ESNext",
    "lib": ["ES2023", "dom"],
    "forceConsistentCasingInFileNames": true,
    "module": "ESNext",
    "isolatedModules": true,
    "noEmit": true
  },
  "include": ["./**/*"],
  "exclude": ["./_generated"]
}
`;

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values: options } = parseArgs({ options: { keep: { type: "boolean", default: false } } });
// The convex versions the app passed with.
const checkedConvex = new Set<string>();

function run(command: string, args: string[], cwd: string, extra: ExecFileSyncOptions = {}) {
  console.log(`$ ${[command, ...args].join(" ")}`);
  return execFileSync(command, args, { cwd, stdio: "inherit", ...extra });
}
const output = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

// ---- 1. The tarball -------------------------------------------------------------------------------
const work = mkdtempSync(path.join(tmpdir(), "otp-onboarding-fresh-"));
const [packed] = JSON.parse(
  output("npm", ["pack", "--json", "--pack-destination", work], path.join(repo, "plugin")),
) as { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }[];
if (!packed) throw new Error("npm pack wrote no tarball");
const tarball = path.join(work, path.basename(packed.filename));
console.log(
  `\ntarball: ${path.basename(tarball)}, ${(packed.size / 1000).toFixed(1)} kB packed, ` +
    `${(packed.unpackedSize / 1000).toFixed(1)} kB unpacked, ${packed.entryCount} files`,
);
const stray = packed.files.map((file) => file.path).filter((file) => !/^(dist\/|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/.test(file) || /\.test\.|\.typecheck\.|\.fixture\./.test(file));
if (stray.length) throw new Error(`the tarball carries files a consumer does not need: ${stray.join(", ")}`);

// ---- 2. The app, from docs/ -------------------------------------------------------------------------
const app = path.join(work, "app");
mkdirSync(app);
writeFileSync(path.join(app, "package.json"), `${JSON.stringify({ name: "fresh-app", private: true, type: "module" }, null, 2)}\n`);
const recipe = docsRecipe(path.join(repo, "docs"));
for (const file of recipe.files) {
  mkdirSync(path.dirname(path.join(app, file.path)), { recursive: true });
  writeFileSync(path.join(app, file.path), file.content);
}
console.log(`\nwrote ${recipe.files.length} files from docs/: ${recipe.files.map((f) => `${f.path} (${f.page})`).join(", ")}`);
// The install line names the tarball `npm pack` writes, in the app's root.
const tarballArg = `./${path.basename(tarball)}`;
if (!recipe.installs.some((args) => args.includes(tarballArg))) {
  throw new Error(`docs/${INSTALL_PAGE} does not install ${tarballArg}, the tarball npm pack wrote`);
}
copyFileSync(tarball, path.join(app, path.basename(tarball)));
for (const args of recipe.installs) {
  run("npm", ["install", ...args.slice(1), "--prefer-online", "--no-audit", "--no-fund"], app);
}

// ---- 3. What `npx convex dev` would generate --------------------------------------------------------
writeConvexDevFiles(app);

// ---- 4. One convex; tsc; the suite: with what npm chose, then with the newest convex in range -----
checkApp();
const newest = newestInRange("convex");
if (installedConvex() !== newest) {
  // npm picks the newest release whose `engines` fit this Node; the newest may ask for a later one.
  run("npm", ["install", `convex@${newest}`, "--prefer-online", "--no-audit", "--no-fund"], app);
  checkApp();
}
const ownDependencies = Object.keys(
  JSON.parse(readFileSync(path.join(app, "node_modules/convex-otp-onboarding/package.json"), "utf8")).dependencies ?? {},
);
console.log(`\nwhat the package itself adds to an app (its dependencies: ${ownDependencies.join(", ")}):`);
run("npm", ["ls", ...ownDependencies, "--all"], app);

console.log(`\nthe fresh app passed: tsc and its suite, on convex ${[...checkedConvex].join(" and ")}`);
if (options.keep) console.log(`kept in ${work}`);
else rmSync(work, { recursive: true, force: true });

// ---- helpers --------------------------------------------------------------------------------------
/** One copy of convex in the app's tree, then the app's tsc and its convex-test suite. */
function checkApp() {
  const version = installedConvex();
  console.log(`\none copy of convex in the app: ${version}`);
  const strict = ["--strict", "--exactOptionalPropertyTypes", "--noPropertyAccessFromIndexSignature"];
  run("npx", ["tsc", "--noEmit", "-p", "convex", ...strict], app);
  const clientFiles = recipe.files.map((file) => file.path).filter((file) => file.startsWith("src/"));
  run(
    "npx",
    ["tsc", "--noEmit", ...strict, "--skipLibCheck", "--target", "es2022", "--module", "esnext",
      "--moduleResolution", "bundler", "--jsx", "react-jsx", "--lib", "es2023,dom", ...clientFiles],
    app,
  );
  run("npx", ["vitest", "run"], app);
  checkedConvex.add(version);
}

/** The version of convex in the app's tree; throws unless there is exactly one copy. */
function installedConvex(): string {
  const tree = JSON.parse(output("npm", ["ls", "convex", "--all", "--json"], app)) as Dependencies;
  const versions = [...new Set(convexVersions(tree))];
  if (versions.length !== 1) throw new Error(`expected one convex in the app's tree, found ${versions.join(", ")}`);
  return versions[0]!;
}

/** The newest published version of `name` in the package's peer range. */
function newestInRange(name: string): string {
  const range = peerRange(name);
  const versions = [JSON.parse(output("npm", ["view", `${name}@${range}`, "version", "--json"], app))].flat();
  return versions.at(-1) as string;
}

type Dependencies = { version?: string; dependencies?: Record<string, Dependencies> };

function convexVersions(node: Dependencies, name = ""): string[] {
  const own = name === "convex" && node.version ? [node.version] : [];
  return own.concat(
    ...Object.entries(node.dependencies ?? {}).map(([child, sub]) => convexVersions(sub, child)),
  );
}

function peerRange(name: string): string {
  const manifest = JSON.parse(readFileSync(path.join(repo, "plugin/package.json"), "utf8"));
  return manifest.peerDependencies[name];
}

/**
 * `convex/tsconfig.json` as `npx convex dev` writes it, and `_generated/` for this app, as
 * docs/install.md says to do offline; each file is printed with where it came from.
 */
function writeConvexDevFiles(root: string) {
  const convexDir = path.join(root, "convex");
  const wrote = (file: string, from: string) => console.log(`  ${path.relative(root, file)}: ${from}`);
  console.log("\nno Convex backend can run here, so the app gets what `npx convex dev` would write:");
  writeFileSync(path.join(convexDir, "tsconfig.json"), CONVEX_TSCONFIG);
  wrote(path.join(convexDir, "tsconfig.json"), "the CLI's default convex/tsconfig.json");
  const generated = path.join(convexDir, "_generated");
  mkdirSync(generated, { recursive: true });
  // These do not depend on the app's modules: codegen writes the same text for every app.
  for (const file of ["api.js", "server.js", "server.d.ts", "dataModel.d.ts"]) {
    copyFileSync(path.join(repo, "convex/_generated", file), path.join(generated, file));
    wrote(path.join(generated, file), `the CLI's template (same for every app), from this repository's convex/_generated/`);
  }
  writeFileSync(path.join(generated, "api.d.ts"), apiDeclarations(convexDir));
  wrote(path.join(generated, "api.d.ts"), "the app's modules and the components of its convex.config.ts");
  // The recipe's component exposes the same adapter functions as the repository's.
  const componentGenerated = path.join(convexDir, "betterAuth/_generated");
  mkdirSync(componentGenerated, { recursive: true });
  for (const file of readdirSync(path.join(repo, "convex/betterAuth/_generated"))) {
    copyFileSync(path.join(repo, "convex/betterAuth/_generated", file), path.join(componentGenerated, file));
    wrote(path.join(componentGenerated, file), "the adapter's functions (createApi), from this repository's convex/betterAuth/_generated/");
  }
}

/** `_generated/api.d.ts`: the app's modules, and a component API per `app.use(...)` in convex.config.ts. */
function apiDeclarations(convexDir: string): string {
  const modules = convexModules(convexDir);
  const config = readFileSync(path.join(convexDir, "convex.config.ts"), "utf8");
  const imports = new Map(
    [...config.matchAll(/import (\w+) from "([^"]+)";/g)].map(([, name, from]) => [name!, from!]),
  );
  const components = [...config.matchAll(/app\.use\((\w+)\)/g)].map(([, name]) => {
    const from = imports.get(name!)!;
    const api = from.startsWith(".")
      ? `../${from.replace(/^\.\//, "").replace(/convex\.config$/, "_generated/component.js")}`
      : `${from.replace(/\/convex\.config$/, "")}/_generated/component.js`;
    return `  ${name}: import("${api}").ComponentApi<"${name}">;`;
  });
  return `/* eslint-disable */
${modules.map((m) => `import type * as ${m} from "../${m}.js";`).join("\n")}
import type { ApiFromModules, FilterApi, FunctionReference } from "convex/server";

declare const fullApi: ApiFromModules<{
${modules.map((m) => `  ${m}: typeof ${m};`).join("\n")}
}>;
export declare const api: FilterApi<typeof fullApi, FunctionReference<any, "public">>;
export declare const internal: FilterApi<typeof fullApi, FunctionReference<any, "internal">>;
export declare const components: {
${components.join("\n")}
};
`;
}
