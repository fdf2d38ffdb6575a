// @vitest-environment node
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { editAuth } from "./auth-edit.js";
import { editHttp } from "./edits.js";

/**
 * `convex/auth.ts` as `@convex-dev/better-auth` documents it, with a password sign-in: the one of
 * check:init's fixture, so that this edit is the one check:init runs.
 */
const DOCUMENTED = readFileSync(
  path.join(import.meta.dirname, "../../../scripts/init-fixtures/better-auth-password/convex/auth.ts"),
  "utf8",
);

const HTTP = `import { httpRouter } from "convex/server";
import { authComponent, createAuth } from "./auth";

const http = httpRouter();
authComponent.registerRoutes(http, createAuth);

export default http;
`;

const text = (result: ReturnType<typeof editAuth>) => {
  if (!("text" in result)) throw new Error(`expected an edit, got ${JSON.stringify(result)}`);
  return result.text;
};
/** Every line of `before` is in `after`, indented as it may be. */
const keepsEveryLine = (before: string, after: string) => {
  const lines = new Set(after.split("\n").map((line) => line.trim()));
  return before.split("\n").every((line) => !line.trim() || lines.has(line.trim()));
};
/** The code on one line, without trailing commas, as the assertions spell it. */
const flat = (code: string) => code.replace(/,\s*([}\]])/g, " $1").replace(/\s+/g, " ");
/**
 * The app's lines but those init changes on purpose: the client gets options, the import a name,
 * the plugins one more, and `createAuth` hands its options on to `createAuthOptions`.
 */
const ownLines = (source: string) =>
  source
    .replace("export const authComponent = createClient<DataModel>(components.betterAuth);", "")
    .replace("plugins: [convex({ authConfig })],", "")
    .replace(/^ {2}betterAuth\(\{$/m, "")
    .replace('import { components } from "./_generated/api";', 'import { components, internal } from "./_generated/api";');

describe("init's edit of an auth.ts already on @convex-dev/better-auth", () => {
  it("adds the plugin, the local schema and triggers, and the auth mutation, keeping the app's options and functions", () => {
    const after = text(editAuth(DOCUMENTED, "convex/auth.ts", "template"));
    // The options move into createAuthOptions (what the component's schema generator reads).
    expect(keepsEveryLine(ownLines(DOCUMENTED), after)).toBe(true);
    const code = flat(after);
    expect(code).toContain("plugins: [convex({ authConfig }), otpOnboarding({ ctx, fields: signUpFields, sender, rateLimiter: components.rateLimiter })]");
    expect(code).toContain("createClient<DataModel, typeof authSchema>(components.betterAuth, { local: { schema: authSchema }, authFunctions,");
    expect(code).toContain("triggers: { user: { onCreate: onboarding.onCreate, onUpdate: onboarding.onUpdate, onDelete: onboarding.onDelete } }");
    expect(code).toContain("export const authFunctions: AuthFunctions = internal.auth;");
    expect(code).toContain("export const { onCreate, onUpdate, onDelete } = authComponent.triggersApi();");
    expect(code).toMatch(/export const createAuthOptions = \(ctx: GenericCtx<DataModel>\) => \(\{ baseURL: .*\}\) satisfies BetterAuthOptions;/);
    expect(code).toContain("export const createAuth = (ctx: GenericCtx<DataModel>) => betterAuth(createAuthOptions(ctx));");
    expect(code).toContain("export const authRequest = authRequestMutation(createAuth);");
    // authFunctions is read when the client is made: it comes first.
    expect(after.indexOf("export const authFunctions")).toBeLessThan(after.indexOf("export const authComponent"));
    expect(editAuth(after, "convex/auth.ts", "template")).toEqual({ upToDate: true });
  });

  it("adds the plugin to an auth.ts that already has createAuthOptions (the local install's shape)", () => {
    const split = DOCUMENTED.replace(
      /export const createAuth = [\s\S]*?\n {2}\}\);\n/,
      `export const createAuthOptions = (ctx: GenericCtx<DataModel>) => {
  return {
    database: authComponent.adapter(ctx),
    plugins: [convex({ authConfig })],
  } satisfies BetterAuthOptions;
};

export const createAuth = (ctx: GenericCtx<DataModel>) => betterAuth(createAuthOptions(ctx));
`,
    ).replace('import { betterAuth } from "better-auth/minimal";', 'import { betterAuth, type BetterAuthOptions } from "better-auth/minimal";');
    const after = text(editAuth(split, "convex/auth.ts", "template"));
    expect(keepsEveryLine(ownLines(split), after)).toBe(true);
    expect(flat(after)).toContain("plugins: [convex({ authConfig }), otpOnboarding({ ctx, fields: signUpFields, sender, rateLimiter: components.rateLimiter })]");
    expect(after.match(/createAuthOptions = /g)).toHaveLength(1);
  });

  it("changes nothing in an auth.ts of another shape, and prints the plugin's auth.ts", () => {
    const own = DOCUMENTED.replace("createClient<DataModel>(components.betterAuth)", "createClient<DataModel>(components.betterAuth, { local: { schema } })");
    expect(editAuth(own, "convex/auth.ts", "the template")).toMatchObject({ manual: expect.stringContaining("createClient"), lines: "the template" });
    const notAnArrow = DOCUMENTED.replace("export const createAuth = (ctx: GenericCtx<DataModel>) =>\n  betterAuth(", "export const createAuth = makeAuth(");
    expect(editAuth(notAnArrow, "convex/auth.ts", "the template")).toMatchObject({ manual: expect.stringContaining("createAuth") });
    const taken = `${DOCUMENTED}export const authRequest = 1;\n`;
    expect(editAuth(taken, "convex/auth.ts", "the template")).toMatchObject({ manual: expect.stringContaining("authRequest") });
  });

  it("refuses Better Auth's own emailOTP beside it", () => {
    const withEmailOtp = DOCUMENTED.replace("plugins: [convex({ authConfig })]", "plugins: [convex({ authConfig }), emailOTP({ async sendVerificationOTP() {} })]")
      .replace('import { betterAuth } from "better-auth/minimal";', 'import { betterAuth } from "better-auth/minimal";\nimport { emailOTP } from "better-auth/plugins";');
    expect(() => editAuth(withEmailOtp, "convex/auth.ts", "")).toThrow(/already uses Better Auth's emailOTP/);
  });
});

describe("init's edit of an http.ts that serves Better Auth with registerRoutes", () => {
  it("registers the plugin's routes beside registerRoutes, which stays", () => {
    const result = editHttp(HTTP);
    if (!("text" in result)) throw new Error(JSON.stringify(result));
    expect(keepsEveryLine(HTTP, result.text)).toBe(true);
    expect(flat(result.text)).toContain(
      "authComponent.registerRoutes(http, createAuth); registerOtpRoutes(http, { createAuth, authRequest: internal.auth.authRequest, besideRegisterRoutes: true });",
    );
    expect(editHttp(result.text)).toEqual({ upToDate: true });
  });

  it("does the same beside registerRoutesLazy", () => {
    const result = editHttp(HTTP.replace("registerRoutes(", "registerRoutesLazy("));
    if (!("text" in result)) throw new Error(JSON.stringify(result));
    expect(flat(result.text)).toContain("authComponent.registerRoutesLazy(http, createAuth); registerOtpRoutes(http, {");
    expect(result.text).toContain("besideRegisterRoutes: true");
  });

  it("leaves an http.ts alone where registerRoutes is called in an unusual place", () => {
    const nested = HTTP.replace("authComponent.registerRoutes(http, createAuth);", "if (process.env.AUTH) authComponent.registerRoutes(http, createAuth);");
    expect(editHttp(nested)).toMatchObject({ manual: expect.stringContaining("registerRoutes"), lines: expect.stringContaining("besideRegisterRoutes: true") });
  });
});
