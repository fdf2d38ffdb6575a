/**
 * The plan of `init`: which files it creates, which it edits (and how), and which it leaves for the
 * person with the lines to add. Building it reads the app and writes nothing.
 */
import path from "node:path";
import type { ConvexApp } from "./app.js";
import { unifiedDiff } from "./diff.js";
import { editAuth } from "./auth-edit.js";
import { editAuthConfig, editConvexConfig, editHttp, editSchema, type EditResult } from "./edits.js";
import { readText } from "./files.js";
import * as templates from "./templates.js";

/** One file the plan writes: `before` is `null` for a new file. Paths are relative to the app. */
export type Change = { file: string; before: string | null; after: string };
/** One file the plan leaves alone, with why, and what to do by hand (`then`, followed by `lines`). */
export type Manual = { file: string; reason: string; then: string; lines: string };

export type Plan = {
  changes: Change[];
  manual: Manual[];
  /** Whether Better Auth's generator should write the component's schema after the changes. */
  generateSchema: boolean;
  /** The component's folder, relative to the app. */
  componentDir: string;
};

type FileRule = { file: string; create: string; edit?: (source: string) => EditResult; needsOurAuth?: boolean };

/** The plan for `app`: reads its files, writes nothing. */
export function planInit(app: ConvexApp): Plan {
  const inConvex = (file: string) => path.posix.join(app.convexDir, file);
  const componentDir = inConvex("betterAuth");
  const rules: FileRule[] = [
    { file: inConvex("convex.config.ts"), create: templates.convexConfig, edit: editConvexConfig, needsOurAuth: true },
    { file: inConvex("betterAuth/convex.config.ts"), create: templates.componentConfig, needsOurAuth: true },
    { file: inConvex("betterAuth/auth.ts"), create: templates.componentStaticAuth, needsOurAuth: true },
    { file: inConvex("betterAuth/adapter.ts"), create: templates.componentAdapter, needsOurAuth: true },
    { file: inConvex("signUpFields.ts"), create: templates.signUpFields(app.hasBetterAuth) },
    { file: inConvex("mailer.ts"), create: templates.mailer },
    { file: inConvex("onboarding.ts"), create: templates.onboarding, needsOurAuth: true },
    { file: inConvex("auth.ts"), create: templates.auth, edit: (source) => editAuth(source, inConvex("auth.ts"), templates.auth) },
    { file: inConvex("auth.config.ts"), create: templates.authConfig, edit: editAuthConfig },
    { file: inConvex("http.ts"), create: templates.http, edit: editHttp, needsOurAuth: true },
    { file: inConvex("schema.ts"), create: templates.schema, edit: editSchema },
  ];
  if (app.react) {
    const client = path.posix.join(app.clientDir, "auth-client.ts");
    const fromClient = path.posix.relative(app.clientDir, app.convexDir) || ".";
    const convexImport = fromClient.startsWith(".") ? fromClient : `./${fromClient}`;
    rules.push({ file: client, create: templates.reactClient(convexImport) });
  }

  const changes: Change[] = [];
  const manual: Manual[] = [];
  // An auth.ts of the app's own that init cannot edit comes first: until the person adds the plugin
  // to it, the files that import from it would not build, so they are shown, not written.
  const authFile = inConvex("auth.ts");
  const authSource = readText(path.join(app.root, authFile));
  const ownAuth = authSource !== null && "manual" in editAuth(authSource, authFile, templates.auth);
  for (const rule of rules) {
    const before = readText(path.join(app.root, rule.file));
    if (ownAuth && rule.needsOurAuth) {
      const result = before === null ? null : rule.edit ? rule.edit(before) : { upToDate: true as const };
      const waits = `it depends on ${authFile}, which needs the plugin first`;
      if (result === null) {
        manual.push({ file: rule.file, reason: waits, then: "Once it has it, create this file:", lines: rule.create });
      } else if ("text" in result) {
        const diff = unifiedDiff(rule.file, before, result.text);
        manual.push({ file: rule.file, reason: waits, then: "Once it has it, make this change:", lines: diff });
      } else if ("manual" in result) {
        manual.push({ file: rule.file, reason: result.manual, then: "Add these lines yourself:", lines: result.lines });
      }
      continue;
    }
    if (before === null) {
      changes.push({ file: rule.file, before: null, after: rule.create });
      continue;
    }
    // A file init does not edit is the app's own (or init's from an earlier run): left as it is.
    if (!rule.edit) continue;
    const result = rule.edit(before);
    if ("text" in result) changes.push({ file: rule.file, before, after: result.text });
    else if ("manual" in result) {
      manual.push({ file: rule.file, reason: result.manual, then: "Add these lines yourself:", lines: result.lines });
    }
  }
  const schemaFile = path.join(app.root, componentDir, "schema.ts");
  return { changes, manual, generateSchema: !ownAuth && readText(schemaFile) === null, componentDir };
}

/** Whether the plan has anything to do. */
export const isEmpty = (plan: Plan) => plan.changes.length === 0 && plan.manual.length === 0 && !plan.generateSchema;
