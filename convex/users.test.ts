import { describe, expect, it } from "vitest";
import { serverUsers } from "convex-otp-onboarding/convex";
import { api, components, internal } from "./_generated/api";
import { authFunctions } from "./auth";
import { signUpFields } from "./signUpFields";
import { setup } from "./test.setup";

type Test = ReturnType<typeof setup>["t"];

/** Everything stored for a user: the Better Auth row, sessions, profile, once-marker, welcome mails. */
const storedFor = (t: Test, userId: string) =>
  t.run(async (ctx) => {
    const find = (model: string, field: string) =>
      ctx.runQuery(components.betterAuth.adapter.findMany, {
        model,
        where: [{ field, value: userId }],
        paginationOpts: { cursor: null, numItems: 100 },
      });
    const jobs = await ctx.db.system.query("_scheduled_functions").collect();
    return {
      user: (await find("user", "_id")).page[0] ?? null,
      sessions: (await find("session", "userId")).page,
      profiles: await ctx.db.query("profiles").withIndex("by_userId", (q) => q.eq("userId", userId)).collect(),
      markers: await ctx.db.query("onboardings").withIndex("by_userId", (q) => q.eq("userId", userId)).collect(),
      welcomes: jobs.filter((job) => job.name === "welcome:send").length,
    };
  });

describe("users.create", () => {
  it("creates an onboarded user from the backend, the email not yet verified", async () => {
    const { t } = setup();
    const { userId } = await t.mutation(internal.users.create, {
      email: " Bea@Example.com",
      username: "bea",
      name: "Bea Moss",
    });

    const stored = await storedFor(t, userId);
    expect(stored.user).toMatchObject({ email: "bea@example.com", username: "bea", name: "Bea Moss", emailVerified: false });
    expect(stored.profiles).toEqual([
      expect.objectContaining({ username: "bea", displayName: "Bea Moss", displayNameEdited: false }),
    ]);
    expect(stored.markers).toEqual([expect.objectContaining({ version: 2 })]);
    expect(stored.welcomes).toBe(1);
  });

  it("lets the created user sign in with an email code onto the profile made at creation, onboarded once", async () => {
    const { t, auth } = setup();
    const { userId } = await t.mutation(internal.users.create, { email: "bea@example.com", username: "bea" });
    const created = await storedFor(t, userId);

    const bea = await auth.signIn("bea@example.com");
    expect(bea.userId).toBe(userId);
    expect(await bea.as.query(api.profiles.me, {})).toEqual(created.profiles[0]);
    expect(await bea.as.query(api.users.onboardingStatus, {})).toMatchObject({
      onboardedAt: created.markers[0].onboardedAt,
    });

    const after = await storedFor(t, userId);
    expect(after.user).toMatchObject({ emailVerified: true });
    expect(after.profiles).toEqual(created.profiles);
    expect(after.markers).toEqual(created.markers);
    expect(after.welcomes).toBe(1);
  });

  it("refuses invalid fields with INVALID_SIGNUP_PARAMS and one issue per field, creating nothing", async () => {
    const { t } = setup();
    const attempt = t.mutation(internal.users.create, { email: "not-an-email", username: "No!", name: " " });
    await expect(attempt).rejects.toMatchObject({
      data: {
        code: "INVALID_SIGNUP_PARAMS",
        issues: expect.arrayContaining([
          expect.objectContaining({ path: "email" }),
          expect.objectContaining({ path: "username" }),
          expect.objectContaining({ path: "name", message: "Enter a display name" }),
        ]),
      },
    });
    expect(await t.run(async (ctx) => await ctx.db.query("profiles").collect())).toEqual([]);
  });

  it("refuses a registered email with EMAIL_TAKEN and a taken username with USERNAME_TAKEN", async () => {
    const { t, auth } = setup();
    await auth.signUp({ email: "ann@example.com", username: "ann" });

    await expect(
      t.mutation(internal.users.create, { email: "ANN@example.com", username: "ann2" }),
    ).rejects.toMatchObject({ data: { code: "EMAIL_TAKEN", message: "Email is already registered" } });
    await expect(
      t.mutation(internal.users.create, { email: "other@example.com", username: "ann" }),
    ).rejects.toMatchObject({ data: { code: "USERNAME_TAKEN", message: "Username is already taken" } });
  });

  it("works from any mutation, in its transaction: if that mutation fails, no user and no onboarding remain", async () => {
    const { t } = setup();
    const users = serverUsers({ component: components.betterAuth, authFunctions, fields: signUpFields });
    let userId = "";
    await expect(
      t.mutation(async (ctx) => {
        ({ userId } = await users.create(ctx, { email: "cyd@example.com", username: "cyd" }));
        // Created and onboarded so far, inside this transaction...
        expect(await ctx.db.query("profiles").collect()).toHaveLength(1);
        throw new Error("the invite could not be recorded");
      }),
    ).rejects.toThrow("the invite could not be recorded");

    // ...and all of it rolled back together.
    expect(userId).not.toBe("");
    expect(await storedFor(t, userId)).toEqual({ user: null, sessions: [], profiles: [], markers: [], welcomes: 0 });
  });
});

describe("users.remove", () => {
  it("deletes the user with their sessions, profile and once-marker, leaving other users alone", async () => {
    const { t, auth } = setup();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const bob = await auth.signUp({ email: "bob@example.com", username: "bob" });
    expect((await storedFor(t, ann.userId)).sessions).toHaveLength(1);

    expect(await t.mutation(internal.users.remove, { userId: ann.userId })).toBe(true);

    expect(await storedFor(t, ann.userId)).toMatchObject({ user: null, sessions: [], profiles: [], markers: [] });
    expect(await ann.as.query(api.profiles.me, {})).toBeNull();
    expect(await bob.as.query(api.profiles.me, {})).toMatchObject({ username: "bob" });
    expect(await t.mutation(internal.users.remove, { userId: ann.userId })).toBe(false);
  });

  it("frees the email and username, so the person can sign up again and is onboarded afresh", async () => {
    const { t, auth } = setup();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    await t.mutation(internal.users.remove, { userId: ann.userId });

    const again = await auth.signUp({ email: "ann@example.com", username: "ann" });
    expect(again.userId).not.toBe(ann.userId);
    expect(await again.as.query(api.profiles.me, {})).toMatchObject({ username: "ann", userId: again.userId });
  });
});
