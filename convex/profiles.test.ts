import { describe, expect, it } from "vitest";
import { isOnboardingError } from "convex-otp-onboarding/convex";
import { api } from "./_generated/api";
import { setup } from "./test.setup";

async function twoUsers() {
  const { t, auth } = setup();
  const ann = await auth.signUp({ email: "ann@example.com", username: "ann", name: "Ann" });
  const bob = await auth.signUp({ email: "bob@example.com", username: "bob" });
  const annProfile = (await ann.as.query(api.profiles.me, {}))!;
  return { t, ann, bob, annProfile };
}

describe("profiles: owner-only access", () => {
  it("shows no profile when signed out", async () => {
    const { t } = await twoUsers();
    expect(await t.query(api.profiles.me, {})).toBeNull();
  });

  it("lets the owner read their profile by id", async () => {
    const { ann, annProfile } = await twoUsers();
    expect(await ann.as.query(api.profiles.get, { profileId: annProfile._id })).toEqual(annProfile);
  });

  it("hides a profile from anyone but its owner", async () => {
    const { t, bob, annProfile } = await twoUsers();
    expect(await bob.as.query(api.profiles.get, { profileId: annProfile._id })).toBeNull();
    expect(await t.query(api.profiles.get, { profileId: annProfile._id })).toBeNull();
  });

  it("lets the owner change display name and bio", async () => {
    const { ann, annProfile } = await twoUsers();
    await ann.as.mutation(api.profiles.update, {
      profileId: annProfile._id,
      displayName: "  Ann L. ",
      bio: "Hello",
    });
    expect(await ann.as.query(api.profiles.me, {})).toMatchObject({ displayName: "Ann L.", bio: "Hello" });
  });

  it("refuses anyone else's update with FORBIDDEN and changes nothing", async () => {
    const { t, bob, annProfile } = await twoUsers();
    for (const caller of [bob.as, t]) {
      const error = await caller
        .mutation(api.profiles.update, { profileId: annProfile._id, bio: "hacked" })
        .catch((e: unknown) => e);
      expect(isOnboardingError(error) && error.data.code).toBe("FORBIDDEN");
    }
    const stored = await t.run((ctx) => ctx.db.get("profiles", annProfile._id));
    expect(stored).toEqual(annProfile);
  });

  it("validates the update with the sign-up rules", async () => {
    const { ann, annProfile } = await twoUsers();
    const error = await ann.as
      .mutation(api.profiles.update, { profileId: annProfile._id, displayName: "x".repeat(51), bio: "y".repeat(161) })
      .catch((e: unknown) => e);
    expect(isOnboardingError(error)).toBe(true);
    expect((error as any).data).toMatchObject({
      code: "INVALID_SIGNUP_PARAMS",
      issues: [{ path: "displayName" }, { path: "bio" }],
    });
    expect(await ann.as.query(api.profiles.me, {})).toEqual(annProfile);
  });
});
