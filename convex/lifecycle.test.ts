import { describe, expect, it } from "vitest";
import { api, internal } from "./_generated/api";
import { createAuth } from "./auth";
import { setup, onboardAtVersion1 } from "./test.setup";

type Test = ReturnType<typeof setup>["t"];

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The user's profile and once-marker rows, and how many welcome mails were ever scheduled. */
const onboardingRows = (t: Test, userId: string) =>
  t.run(async (ctx) => ({
    profiles: await ctx.db.query("profiles").withIndex("by_userId", (q) => q.eq("userId", userId)).collect(),
    markers: await ctx.db.query("onboardings").withIndex("by_userId", (q) => q.eq("userId", userId)).collect(),
    welcomes: (await ctx.db.system.query("_scheduled_functions").collect()).filter(
      (job) => job.name === "welcome:send",
    ).length,
  }));

describe("deleting a user", () => {
  it("/delete-user removes the user with their profile and once-marker, and nobody else's", async () => {
    const { t, auth } = setup();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const bob = await auth.signUp({ email: "bob@example.com", username: "bob" });

    const response = await auth.post("/delete-user", {}, bearer(ann.token));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ success: true, message: "User deleted" });

    expect(await onboardingRows(t, ann.userId)).toMatchObject({ profiles: [], markers: [] });
    expect(await onboardingRows(t, bob.userId)).toMatchObject({
      profiles: [expect.objectContaining({ username: "bob" })],
      markers: [expect.objectContaining({ userId: bob.userId })],
    });
    // The session went with the user.
    const session = await t.fetch("/api/auth/get-session", { headers: bearer(ann.token) });
    expect(await session.json()).toBeNull();
  });
});

describe("changes to a user", () => {
  it("a new name becomes the display name, without running onboarding again", async () => {
    const { t, auth } = setup();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const before = await onboardingRows(t, ann.userId);
    expect(before.profiles[0].displayName).toBe("ann");

    const response = await auth.post("/update-user", { name: "Ann Lee" }, bearer(ann.token));
    expect(response.status).toBe(200);

    const after = await onboardingRows(t, ann.userId);
    expect(after.profiles).toEqual([{ ...before.profiles[0], displayName: "Ann Lee" }]);
    expect(after.markers).toEqual(before.markers);
    expect(after.welcomes).toBe(1);
  });

  it("a display name the owner chose stays when the name changes", async () => {
    const { auth } = setup();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann", name: "Ann" });
    const profile = (await ann.as.query(api.profiles.me, {}))!;
    await ann.as.mutation(api.profiles.update, { profileId: profile._id, displayName: "Annie" });

    await auth.post("/update-user", { name: "Ann Lee" }, bearer(ann.token));

    expect(await ann.as.query(api.profiles.me, {})).toMatchObject({
      displayName: "Annie",
      displayNameEdited: true,
    });
  });

  it("a new username shows on the profile", async () => {
    const { auth } = setup();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });

    const response = await auth.post("/update-user", { username: "ann_lee" }, bearer(ann.token));
    expect(response.status).toBe(200);

    // The display name followed too: with no name, it is the username.
    expect(await ann.as.query(api.profiles.me, {})).toMatchObject({ username: "ann_lee", displayName: "ann_lee" });
  });

  it("a new email runs nothing again; the person signs in with it onto the same profile", async () => {
    const { t, auth } = setup();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann", name: "Ann" });
    const before = await onboardingRows(t, ann.userId);

    // How Better Auth's email-change routes store the new address: an update of the user row.
    await t.mutation(async (ctx) => {
      const { internalAdapter } = await createAuth(ctx).$context;
      await internalAdapter.updateUser(ann.userId, { email: "ann.lee@example.com" });
    });

    expect(await onboardingRows(t, ann.userId)).toEqual(before);
    const again = await auth.signIn("ann.lee@example.com");
    expect(again.userId).toBe(ann.userId);
    expect(await again.as.query(api.profiles.me, {})).toEqual(before.profiles[0]);
  });

  it("a user not onboarded yet gets nothing on a change; the backfill later onboards the current row", async () => {
    const { t, auth } = setup();
    const [userId] = await auth.insertUsers([{ email: "old@example.com", username: "old", name: "Old" }]);

    await t.mutation(async (ctx) => {
      const { internalAdapter } = await createAuth(ctx).$context;
      await internalAdapter.updateUser(userId, { name: "Old Timer" });
    });
    expect(await onboardingRows(t, userId)).toEqual({ profiles: [], markers: [], welcomes: 0 });

    await t.mutation(internal.users.backfillOnboarding, {});
    expect((await onboardingRows(t, userId)).profiles).toEqual([
      expect.objectContaining({ displayName: "Old Timer", displayNameEdited: false }),
    ]);
  });

  it("a profile from version 1, not upgraded yet, keeps a chosen display name and follows a default one", async () => {
    const { t, auth } = setup();
    const [plain, chosen] = await auth.insertUsers([
      { email: "plain@example.com", username: "plain", name: "Plain" },
      { email: "chosen@example.com", username: "chosen", name: "Chosen" },
    ]);
    // As version 1 wrote them: no `displayNameEdited`.
    await onboardAtVersion1(t, [
      { userId: plain, username: "plain", displayName: "Plain" },
      { userId: chosen, username: "chosen", displayName: "My Own Name" },
    ]);

    await t.mutation(async (ctx) => {
      const { internalAdapter } = await createAuth(ctx).$context;
      await internalAdapter.updateUser(plain, { name: "Plain Renamed" });
      await internalAdapter.updateUser(chosen, { name: "Chosen Renamed" });
    });

    expect((await onboardingRows(t, plain)).profiles[0].displayName).toBe("Plain Renamed");
    expect((await onboardingRows(t, chosen)).profiles[0].displayName).toBe("My Own Name");
  });
});
