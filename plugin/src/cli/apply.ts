/** Writing `init`'s plan into the app: all or nothing. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ConvexApp } from "./app.js";
import { InitError } from "./errors.js";
import { readText } from "./files.js";
import type { Plan } from "./plan.js";
import { SCHEMA_GENERATOR } from "./templates.js";

/**
 * Writes the plan, all or nothing: each file must still be what the plan read, and if Better Auth's
 * generator fails, every file written is put back as it was.
 */
export function apply(plan: Plan, app: ConvexApp, log: (text: string) => void) {
  const at = (file: string) => path.join(app.root, file);
  const changed = plan.changes.filter((change) => readText(at(change.file)) !== change.before);
  if (changed.length > 0) {
    throw new InitError(
      `${changed.map((change) => change.file).join(", ")} changed since the plan was made. Nothing was ` +
        "written: run init again to see the new plan.",
    );
  }
  const createdDirs: string[] = [];
  const written: typeof plan.changes = [];
  const undo = () => {
    for (const change of written.reverse()) {
      if (change.before === null) rmSync(at(change.file), { force: true });
      else writeFileSync(at(change.file), change.before);
    }
    for (const dir of createdDirs.reverse()) rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const change of plan.changes) {
      const dir = path.dirname(at(change.file));
      if (!existsSync(dir)) {
        createdDirs.push(firstMissing(dir));
        mkdirSync(dir, { recursive: true });
      }
      writeFileSync(at(change.file), change.after);
      written.push(change);
      log(`${change.before === null ? "created" : "edited"} ${change.file}`);
    }
    if (plan.generateSchema) {
      // The app's auth.ts imports the schema it is about to generate: an empty file lets Better Auth
      // load it first (what its generator does itself with --output, which would put this machine's
      // absolute path into the file's header).
      const schemaChange = { file: `${plan.componentDir}/schema.ts`, before: null, after: "" };
      writeFileSync(at(schemaChange.file), "");
      written.push(schemaChange);
      run("npx", ["--yes", SCHEMA_GENERATOR, "generate", "--config", "./auth.ts", "--yes"], at(plan.componentDir), log);
      if (!readText(at(schemaChange.file))) throw new Error("Better Auth's generator wrote no schema");
      log(`generated ${plan.componentDir}/schema.ts`);
    }
  } catch (error) {
    undo();
    throw new InitError(`${(error as Error).message}\nEvery file init wrote was put back as it was.`);
  }
}

/** The outermost folder of `dir` that does not exist yet (what to remove to undo a mkdir -p). */
function firstMissing(dir: string): string {
  let missing = dir;
  while (!existsSync(path.dirname(missing))) missing = path.dirname(missing);
  return missing;
}

/** Runs a command in `cwd` with its output shown; throws when it fails. */
export function run(command: string, args: string[], cwd: string, log: (text: string) => void) {
  log(`$ ${[command, ...args].join(" ")}${cwd === process.cwd() ? "" : `   (in ${path.relative(process.cwd(), cwd)})`}`);
  try {
    execFileSync(command, args, { cwd, stdio: "inherit" });
  } catch {
    throw new Error(`\`${[command, ...args].join(" ")}\` failed (its output is above)`);
  }
}

