import { convexTest } from "convex-test";
import { authTest, runInComponent } from "convex-otp-onboarding/test";
import { defineSchema, defineTable } from "convex/server";
import { describe, expect, it, vi } from "vitest";
import { tables } from "./betterAuth/schema";
import schema from "./schema";

// The user table as deployed before `username` joined the sign-up schema, with or without its index.
const { username: _, ...olderUserFields } = tables.user.validator.fields;
const olderUserTable = () =>
  defineTable(olderUserFields)
    .index("email_name", ["email", "name"])
    .index("name", ["name"])
    .index("userId", ["userId"]);

async function signUpAgainst(userTable: ReturnType<typeof olderUserTable>) {
  vi.spyOn(console, "error").mockImplementation(() => {});
  const t = convexTest(schema, import.meta.glob("./**/*.*s"));
  const lagging = defineSchema({ ...tables, user: userTable });
  const auth = authTest(t, { schema: lagging, modules: import.meta.glob("./betterAuth/**/*.*s") });
  expect((await auth.sendOtp("ann@example.com")).status).toBe(200);
  const response = await auth.post("/sign-in/email-otp", {
    email: "ann@example.com",
    otp: auth.lastOtp("ann@example.com"),
    username: "ann",
  });
  const users = await runInComponent(t, "betterAuth", (ctx) => ctx.db.query("user").collect());
  return { status: response.status, body: await response.json(), users };
}

describe("a component schema that lags behind the sign-up fields", () => {
  it("answers the first sign-up with the missing index, the field and the file to change", async () => {
    const { status, body, users } = await signUpAgainst(olderUserTable());
    expect(status).toBe(500);
    expect(body.code).toBe("USER_TABLE_OUT_OF_DATE");
    expect(body.message).toMatch(/"username".*convex\/betterAuth\/schema\.ts/);
    expect(users).toEqual([]);
  });

  it("answers with the missing field when only its index was added", async () => {
    const { status, body, users } = await signUpAgainst(
      olderUserTable().index("username", ["username" as never]),
    );
    expect(status).toBe(500);
    expect(body).toMatchObject({ code: "USER_TABLE_OUT_OF_DATE" });
    expect(body.message).toMatch(/sign-up field "username" is not in .*convex\/betterAuth\/schema\.ts/);
    expect(users).toEqual([]);
  });
});
