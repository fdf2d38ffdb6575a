#!/usr/bin/env node
/**
 * `npx convex-otp-onboarding init`: adds email-code sign-up with one-time onboarding to the Convex
 * app in the current folder. It shows its plan as a diff, asks, then writes; `--yes` writes without
 * asking, `--dry-run` only prints. See docs/init.md.
 */
import { execFileSync } from "node:child_process";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { findApp, missingPackages, type ConvexApp } from "./app.js";
import { apply, run } from "./apply.js";
import { unifiedDiff } from "./diff.js";
import { defaultSiteUrl, envCommands } from "./env.js";
import { InitError } from "./errors.js";
import { isEmpty, planInit, type Plan } from "./plan.js";
import { SCHEMA_GENERATOR } from "./templates.js";

const USAGE = `Usage: npx convex-otp-onboarding init [--yes] [--dry-run] [--install] [--set-env]

Adds email-code sign-up with one-time onboarding to the Convex app in this folder.
  --yes       write without asking
  --dry-run   print the plan and write nothing
  --install   run the npm install line for missing packages instead of printing it
  --set-env   set BETTER_AUTH_SECRET and SITE_URL on the configured deployment
`;

/** The peers the files import, with the versions the docs name. */
const PEERS: Record<string, string> = {
  "convex-otp-onboarding": "convex-otp-onboarding",
  zod: "zod",
  "better-auth": "better-auth@1.6.34",
  "@better-auth/core": "@better-auth/core@1.6.34",
  "@convex-dev/better-auth": "@convex-dev/better-auth",
  "@convex-dev/rate-limiter": "@convex-dev/rate-limiter",
};
const TEST_PACKAGES: Record<string, string> = { "convex-test": "convex-test", vitest: "vitest", "@edge-runtime/vm": "@edge-runtime/vm" };

const log = (text = "") => process.stdout.write(`${text}\n`);

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      yes: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      install: { type: "boolean", default: false },
      "set-env": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || positionals[0] !== "init" || positionals.length > 1) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 1;
  }
  const app = findApp(process.cwd());
  const plan = planInit(app);
  const missing = missingPackages(app.root, Object.keys(PEERS));

  if (isEmpty(plan)) {
    log(`Nothing to do: ${app.convexDir}/ already has email-code sign-up with onboarding.`);
    if (missing.length > 0) log(`\nStill to install: npm install ${missing.map((name) => PEERS[name]).join(" ")}`);
    return 0;
  }
  showPlan(plan, app);
  const peerLine = ["install", ...missing.map((name) => PEERS[name]!)];
  if (missing.length > 0) log(`packages to install${values.install ? " (--install)" : ""}: npm ${peerLine.join(" ")}`);
  if (values["dry-run"]) {
    log("\n--dry-run: nothing was written.");
    return 0;
  }
  if (missing.length > 0 && !values.install && plan.generateSchema) {
    throw new InitError(
      `Better Auth's generator needs the packages first: npm ${peerLine.join(" ")}\n` +
        "Run that (or init --install), then init again. Nothing was written.",
    );
  }
  if (!values.yes && !(await confirm("\nWrite these changes?"))) {
    log("Nothing was written.");
    return 1;
  }
  if (missing.length > 0 && values.install) run("npm", peerLine, app.root, log);
  apply(plan, app, log);

  log("\nDone.");
  printEnvironment(app, values["set-env"]);
  printNextSteps(app, missing.length > 0 && !values.install ? peerLine : null);
  return 0;
}

function showPlan(plan: Plan, app: ConvexApp) {
  log(`init: the plan for the Convex app in ${app.root} (functions in ${app.convexDir}/)\n`);
  for (const change of plan.changes) {
    log(`${change.before === null ? "create" : "edit"} ${change.file}`);
    log(unifiedDiff(change.file, change.before, change.after));
    log();
  }
  if (plan.generateSchema) {
    log(`generate ${plan.componentDir}/schema.ts with Better Auth's generator, after the files above:`);
    log(`  (cd ${plan.componentDir} && npx ${SCHEMA_GENERATOR} generate --config ./auth.ts --yes)\n`);
  }
  for (const item of plan.manual) {
    log(`leave ${item.file} unchanged: ${item.reason}. ${item.then}`);
    log(item.lines.replace(/^/gm, "    "));
    log();
  }
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new InitError("init asks before writing, and this terminal cannot answer: run it with --yes (or --dry-run).");
  }
  const readline = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await readline.question(`${question} [y/N] `);
  readline.close();
  return /^y(es)?$/i.test(answer.trim());
}

function printEnvironment(app: ConvexApp, set: boolean) {
  const commands = envCommands(defaultSiteUrl(app.dependencies));
  if (set) {
    log("\nSetting the deployment's environment:");
    for (const args of commands) {
      try {
        execFileSync("npx", args, { cwd: app.root, stdio: ["ignore", "inherit", "inherit"] });
      } catch {
        log("Could not set it (is a deployment configured? `npx convex dev` configures one). Run these yourself:");
        for (const line of commands) log(`  npx ${line.join(" ")}`);
        return;
      }
    }
    return;
  }
  log("\nSet the deployment's environment (a new secret, made now; it is in no file):");
  for (const args of commands) log(`  npx ${args.join(" ")}`);
}

function printNextSteps(app: ConvexApp, peerLine: string[] | null) {
  const missingTests = missingPackages(app.root, Object.keys(TEST_PACKAGES));
  log("\nNext:");
  if (peerLine) log(`  npm ${peerLine.join(" ")}`);
  log("  npx convex dev            # pushes convex/ and regenerates convex/_generated/");
  log("  npx convex dev --local    # the same on Convex's open-source backend, on this machine, no account");
  log("  Test the sign-up with the kit: docs/testing.md (convex-otp-onboarding/test, authTest(t).signUp(...))");
  if (missingTests.length > 0) log(`  npm install -D ${missingTests.map((name) => TEST_PACKAGES[name]).join(" ")}`);
  log("  Mail: codes go to the dev mailbox until RESEND_API_KEY and RESEND_FROM are set (docs/mail.md).");
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof InitError) {
      process.stderr.write(`init: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  },
);
