// @vitest-environment node
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findApp } from "./app.js";
import { apply } from "./apply.js";
import { planInit } from "./plan.js";

const apps: string[] = [];
afterEach(() => {
  for (const dir of apps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A Convex app in a temp folder: `files` by path, package.json depending on convex. */
function appWith(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "init-test-"));
  apps.push(root);
  const all = { "package.json": JSON.stringify({ dependencies: { convex: "1.48.0" } }), ...files };
  for (const [file, content] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

const tree = (root: string, dir = ""): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tree(root, path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );

describe("npx convex-otp-onboarding init", () => {
  it("refuses a folder that is not a Convex app", () => {
    const root = appWith({});
    expect(() => findApp(root)).toThrow(/not a Convex app: no convex\/ folder/);
  });

  it("finds the functions folder convex.json names", () => {
    const root = appWith({ "convex.json": JSON.stringify({ functions: "src/backend/" }), "src/backend/tasks.ts": "" });
    const plan = planInit(findApp(root));
    expect(plan.changes.map((change) => change.file)).toContain("src/backend/auth.ts");
    expect(plan.componentDir).toBe("src/backend/betterAuth");
  });

  it("wires an app already on @convex-dev/better-auth (the fixture of check:init), leaving nothing to do by hand", () => {
    const fixture = path.join(import.meta.dirname, "../../../scripts/init-fixtures/better-auth-password");
    const files = Object.fromEntries(
      ["package.json", "convex/auth.ts", "convex/http.ts", "convex/convex.config.ts", "convex/schema.ts", "convex/auth.config.ts"].map(
        (file) => [file, readFileSync(path.join(fixture, file), "utf8")],
      ),
    );
    const plan = planInit(findApp(appWith(files)));
    expect(plan.manual).toEqual([]);
    expect(plan.generateSchema).toBe(true);
    const change = (file: string) => plan.changes.find((candidate) => candidate.file === file)!.after;
    expect(change("convex/auth.ts")).toContain("otpOnboarding({");
    expect(change("convex/http.ts")).toMatch(/registerRoutes\(http, createAuth\);\n\nregisterOtpRoutes\(http, \{[^}]*besideRegisterRoutes: true/);
    expect(change("convex/signUpFields.ts")).toContain(".optional(),\n  name");
  });

  it("stops on a file it cannot read, before writing anything", () => {
    const root = appWith({ "convex/tasks.ts": "" });
    mkdirSync(path.join(root, "convex/http.ts"));
    expect(() => planInit(findApp(root))).toThrow(/convex\/http\.ts is not a file/);
    expect(tree(root).sort()).toEqual(["convex/tasks.ts", "package.json"]);
  });

  it("writes nothing when a file changed after the plan was made", () => {
    const root = appWith({ "convex/schema.ts": 'import { defineSchema } from "convex/server";\nexport default defineSchema({});\n' });
    const app = findApp(root);
    const plan = { ...planInit(app), generateSchema: false };
    writeFileSync(path.join(root, "convex/schema.ts"), "// changed meanwhile\n");
    expect(() => apply(plan, app, () => {})).toThrow(/convex\/schema\.ts changed since the plan was made. Nothing was written/);
    expect(tree(root).sort()).toEqual(["convex/schema.ts", "package.json"]);
  });

  it("puts every file back when Better Auth's generator fails", () => {
    const root = appWith({ "convex/schema.ts": 'import { defineSchema } from "convex/server";\nexport default defineSchema({});\n' });
    const app = findApp(root);
    const plan = planInit(app);
    // The generator's folder is gone by the time it runs: the step fails after the other writes.
    const failingPlan = { ...plan, componentDir: "convex/gone/betterAuth" };
    expect(() => apply(failingPlan, app, () => {})).toThrow(/Every file init wrote was put back/);
    expect(readFileSync(path.join(root, "convex/schema.ts"), "utf8")).toContain("defineSchema({})");
    expect(tree(root).sort()).toEqual(["convex/schema.ts", "package.json"]);
  });
});
