/**
 * `npm run check:init`: runs `npx convex-otp-onboarding init` from the packed package in copies of
 * the fixture apps of `scripts/init-fixtures/`, and checks for each that
 *
 * 1. `init --yes` succeeds, and every line of each file it edited is still there (the app's own
 *    routes, components, tables and providers), but those its `expect.json` says init rewrites;
 * 2. Convex's bundler accepts the app, offline (`check:deploy`'s way);
 * 3. the app's own tests pass, and, where init could wire everything, the kit's first sign-up test
 *    as `docs/init.md` shows it passes too;
 * 4. a second `init --yes` changes no byte.
 *
 * One tarball for all fixtures, one npm cache (npm's own). Needs the npm registry (the fixtures'
 * dependencies, and Better Auth's generator `auth`, which init runs with npx). A fixture's
 * `expect.json` says what init must leave to the person (`manual`: files it prints lines for) and
 * which of the app's own lines it rewrites on purpose (`rewritten`).
 *
 * Options: `--keep` leaves the apps in place; `--only <name>` checks one fixture.
 */
import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { SCHEMA_GENERATOR } from "../plugin/src/cli/templates.js";
import { bundleOffline, ERROR_LINE } from "./convex-bundler.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const fixtures = path.join(repo, "scripts/init-fixtures");
const { values: options } = parseArgs({
  options: { keep: { type: "boolean", default: false }, only: { type: "string" } },
});

/**
 * What a fixture expects of init: `manual`, the files it must leave alone and print lines for;
 * `rewritten`, by file, the app's own lines it changes on purpose (every other line must stay).
 */
type Expectation = { manual?: string[]; rewritten?: Record<string, string[]> };

/** The kit's first test, as docs/init.md shows it to a person who just ran init. */
function firstTestOfDocs(): string {
  const test = [...readFileSync(path.join(repo, "docs/init.md"), "utf8").matchAll(/^```ts\n([\s\S]*?)^```$/gm)]
    .map(([, code]) => code!)
    .find((code) => code.includes("authTest("));
  if (!test) throw new Error("docs/init.md shows no test with authTest(");
  return test;
}
const firstTest = firstTestOfDocs();

const execFileAsync = promisify(execFile);

/** Runs a command in a fixture app; its output goes to that fixture's report. */
async function run(command: string, args: string[], cwd: string, report: string[]): Promise<string> {
  report.push(`$ ${[command, ...args].join(" ")}`);
  try {
    const { stdout } = await execFileAsync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    report.push(failed.stdout ?? "", failed.stderr ?? "");
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}`);
  }
}

/** Every file of the app but node_modules, with its bytes. */
function snapshot(root: string, dir = root, files = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.endsWith(".tgz")) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) snapshot(root, full, files);
    else files.set(path.relative(root, full), readFileSync(full, "latin1"));
  }
  return files;
}

function sameFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((name) => before.get(name) !== after.get(name));
}

const work = mkdtempSync(path.join(tmpdir(), "otp-onboarding-init-"));
const [packed] = JSON.parse(
  execFileSync("npm", ["pack", "--json", "--pack-destination", work], {
    cwd: path.join(repo, "plugin"),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }),
) as { filename: string }[];
const tarball = path.join(work, path.basename(packed!.filename));
// Better Auth's generator, fetched once before the fixtures run side by side and each runs it.
execFileSync("npx", ["--yes", SCHEMA_GENERATOR, "--version"], { cwd: work, stdio: "ignore" });
const names = readdirSync(fixtures).filter((name) => statSync(path.join(fixtures, name)).isDirectory());
const failures: string[] = [];

/** Installs, inits, bundles, tests and inits again one fixture; its report is printed at the end. */
async function checkFixture(name: string) {
  const report: string[] = [];

  const app = path.join(work, name);
  cpSync(path.join(fixtures, name), app, { recursive: true, filter: (source) => !source.endsWith("expect.json") });
  const expectation: Expectation = existsSync(path.join(fixtures, name, "expect.json"))
    ? JSON.parse(readFileSync(path.join(fixtures, name, "expect.json"), "utf8"))
    : {};
  try {
    cpSync(tarball, path.join(app, path.basename(tarball)));
    await run("npm", ["install", `./${path.basename(tarball)}`, "--no-audit", "--no-fund", "--prefer-offline"], app, report);
    const original = snapshot(app);

    // 1. init --yes, and what was there is still there.
    const first = await run("npx", ["convex-otp-onboarding", "init", "--yes"], app, report);
    report.push(first);
    const afterInit = snapshot(app);
    // Lines are compared without their indentation: an edit may move a block one level in or out.
    for (const file of sameFiles(original, afterInit).filter((file) => original.has(file))) {
      const lines = new Set(afterInit.get(file)!.split("\n").map((line) => line.trim()));
      const rewritten = new Set(expectation.rewritten?.[file] ?? []);
      const lost = original
        .get(file)!
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line && !lines.has(line) && !rewritten.has(line));
      if (lost.length > 0) throw new Error(`init dropped lines of ${file}:\n${lost.join("\n")}`);
    }
    for (const file of expectation.manual ?? []) {
      if (!first.includes(`leave ${file} unchanged`)) throw new Error(`init did not print the lines for ${file}`);
      if (afterInit.get(file) !== original.get(file)) throw new Error(`init changed ${file}, which it should leave alone`);
    }

    // What `npx convex dev` would write for the new component (it needs a deployment): its functions
    // are the adapter's, the same as this repository's convex/betterAuth/, whose _generated/ is kept by hand.
    const wired = (expectation.manual ?? []).length === 0;
    if (wired) {
      cpSync(path.join(repo, "convex/betterAuth/_generated"), path.join(app, "convex/betterAuth/_generated"), { recursive: true });
      report.push("added convex/betterAuth/_generated/ as `npx convex dev` would (from this repository's copy)");
    }

    // 2. Convex's bundler accepts the app.
    const { code, output } = await bundleOffline(app, path.join(work, `${name}-push`));
    if (code !== 0 || ERROR_LINE.test(output)) throw new Error(`the Convex bundler refused the app:\n${output}`);
    report.push(`bundled: ${app}`);

    // 3. The app's own tests, and the kit's first sign-up test where init wired everything.
    if (wired) writeFileSync(path.join(app, "convex/signUp.test.ts"), firstTest);
    report.push(await run("npx", ["vitest", "run"], app, report));

    // 4. A second run changes nothing.
    const beforeSecond = snapshot(app);
    const second = await run("npx", ["convex-otp-onboarding", "init", "--yes"], app, report);
    const changed = sameFiles(beforeSecond, snapshot(app));
    if (changed.length > 0) throw new Error(`a second init changed ${changed.join(", ")}`);
    if (wired && !second.includes("Nothing to do")) throw new Error(`a second init did not say "Nothing to do":\n${second}`);
    report.push(`${name}: passed`);
  } catch (error) {
    report.push(`${name}: FAILED: ${(error as Error).message}`);
    failures.push(name);
  } finally {
    console.log(`\n==== ${name}\n${report.join("\n")}`);
  }
}

// The fixtures run side by side: most of their time is npm and npx waiting on the registry.
await Promise.all(names.filter((n) => !options.only || n === options.only).map(checkFixture));

if (options.keep) console.log(`\nkept in ${work}`);
else rmSync(work, { recursive: true, force: true });
if (failures.length > 0) {
  console.error(`\ncheck:init: ${failures.length} fixture(s) failed: ${failures.join(", ")}`);
  process.exit(1);
}
console.log("\ncheck:init: every fixture passed");
