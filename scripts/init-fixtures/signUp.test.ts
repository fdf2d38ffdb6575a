/// <reference types="vite/client" />
// The kit's first test, as docs/init.md shows it: scripts/check-init.ts copies it into each fixture
// app after `init` and runs it there.
import { convexTest } from "convex-test";
import { getOnboardingStatus } from "convex-otp-onboarding/convex";
import { authTest } from "convex-otp-onboarding/test";
import { expect, it } from "vitest";
import authSchema from "./betterAuth/schema";
import schema from "./schema";

it("signs a new user up by email code and onboards them once", async () => {
  const t = convexTest(schema, import.meta.glob("./**/*.*s"));
  const auth = authTest(t, { schema: authSchema, modules: import.meta.glob("./betterAuth/**/*.*s") });
  const ann = await auth.signUp({ email: "ann@example.com", username: "ann", name: "Ann" });
  expect(await t.run((ctx) => getOnboardingStatus(ctx, ann.userId))).toMatchObject({ version: 1 });
  const again = await auth.signIn("ann@example.com");
  expect(again.userId).toBe(ann.userId);
  expect(await t.run((ctx) => ctx.db.query("onboardings").collect())).toHaveLength(1);
});
