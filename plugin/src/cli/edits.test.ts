// @vitest-environment node
import { describe, expect, it } from "vitest";
import { editAuth } from "./auth-edit.js";
import { editAuthConfig, editConvexConfig, editHttp, editSchema } from "./edits.js";
import { InitError } from "./errors.js";

const text = (result: ReturnType<typeof editHttp>) => {
  if (!("text" in result)) throw new Error(`expected an edit, got ${JSON.stringify(result)}`);
  return result.text;
};
const keepsEveryLine = (before: string, after: string) =>
  before.split("\n").filter((line) => line.trim()).every((line) => after.split("\n").includes(line));

const CONFIG = `import shardedCounter from "@convex-dev/sharded-counter/convex.config";
import { defineApp } from "convex/server";

const app = defineApp();
app.use(shardedCounter);

export default app;
`;

const HTTP = `import { httpRouter } from "convex/server";
import { httpAction } from "./_generated/server";

const http = httpRouter();
http.route({ path: "/hello", method: "GET", handler: httpAction(async () => new Response("hi")) });

export default http;
`;

const SCHEMA = `import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  messages: defineTable({ body: v.string() }).index("by_body", ["body"]),
});
`;

describe("init's edits of existing files", () => {
  it("adds the components to convex.config.ts, keeps the app's own, and finds nothing to do the second time", () => {
    const after = text(editConvexConfig(CONFIG));
    expect(keepsEveryLine(CONFIG, after)).toBe(true);
    expect(after).toContain('import betterAuth from "./betterAuth/convex.config";');
    expect(after).toContain("app.use(betterAuth);\napp.use(rateLimiter);");
    expect(editConvexConfig(after)).toEqual({ upToDate: true });
  });

  it("turns the component from the package into the local install, under the same name", () => {
    const after = text(editConvexConfig(CONFIG.replace("@convex-dev/sharded-counter/convex.config", "@convex-dev/better-auth/convex.config").replaceAll("shardedCounter", "betterAuth")));
    expect(after).toContain('import betterAuth from "./betterAuth/convex.config";');
    expect(after).not.toContain("@convex-dev/better-auth/convex.config");
    expect(after.match(/app\.use\(betterAuth\)/g)).toHaveLength(1);
  });

  it("registers the routes in http.ts beside the app's own routes, once", () => {
    const after = text(editHttp(HTTP));
    expect(keepsEveryLine(HTTP, after)).toBe(true);
    expect(after.replace(/\s+/g, " ")).toContain("registerOtpRoutes(http, { createAuth, authRequest: internal.auth.authRequest });");
    expect(editHttp(after)).toEqual({ upToDate: true });
  });

  it("adds the once-marker table to schema.ts before the app's tables, once", () => {
    const after = text(editSchema(SCHEMA));
    expect(keepsEveryLine(SCHEMA, after)).toBe(true);
    expect(after).toMatch(/defineSchema\(\{\n {2}\.\.\.onboardingTables,\n {2}messages/);
    expect(editSchema(after)).toEqual({ upToDate: true });
  });

  it("adds Better Auth's provider to auth.config.ts beside the app's providers", () => {
    const before = `export default { providers: [{ domain: "https://issuer.example.com", applicationID: "convex" }] };\n`;
    const after = text(editAuthConfig(before));
    expect(after).toContain('applicationID: "convex" }, getAuthConfigProvider()]');
    expect(editAuthConfig(after)).toEqual({ upToDate: true });
  });

  it("changes nothing in a file of an unusual shape, and gives the exact lines to add", () => {
    const unusual = `import { defineApp } from "convex/server";\nexport default defineApp();\n`;
    expect(editConvexConfig(unusual)).toMatchObject({ manual: expect.stringContaining("defineApp()"), lines: expect.stringContaining("app.use(betterAuth);") });
    expect(editSchema(`import schema from "./tables";\nexport default schema;\n`)).toMatchObject({ lines: expect.stringContaining("...onboardingTables") });
    expect(editHttp("this is not TypeScript {")).toMatchObject({ manual: "it does not parse as TypeScript" });
  });

  it("refuses an app whose schema already has a table named onboardings", () => {
    expect(() => editSchema(SCHEMA.replace("messages", "onboardings"))).toThrow(InitError);
  });

  it("refuses an auth.ts with Better Auth's own emailOTP, and accepts one that uses the plugin", () => {
    const withEmailOtp = `import { emailOTP } from "better-auth/plugins";\nexport const plugins = [emailOTP({ sendVerificationOTP: async () => {} })];\n`;
    expect(() => editAuth(withEmailOtp, "convex/auth.ts", "")).toThrow(/already uses Better Auth's emailOTP/);
    expect(editAuth(`import { otpOnboarding } from "convex-otp-onboarding";\n`, "convex/auth.ts", "")).toEqual({ upToDate: true });
  });
});
