/**
 * The reference app's onboarding: what every new user gets, once, in the same transaction as
 * their Better Auth user.
 */
import type { Infer } from "convex/values";
import { defineOnboarding, onboardingError } from "../plugin/onboarding";
import { internal } from "./_generated/api";
import type { DataModel } from "./_generated/dataModel";
import type { MutationCtx } from "./_generated/server";
import type authSchema from "./betterAuth/schema";

/** A Better Auth user row as the trigger receives it. */
export type AuthUser = Infer<typeof authSchema.tables.user.validator> & {
  _id: string;
  _creationTime: number;
};

async function createProfile(ctx: MutationCtx, user: AuthUser) {
  // Profiles keep usernames unique on their own too: a stray row must stop the sign-up, not be shadowed.
  const clash = await ctx.db
    .query("profiles")
    .withIndex("by_username", (q) => q.eq("username", user.username))
    .unique();
  if (clash) throw onboardingError("USERNAME_TAKEN");
  await ctx.db.insert("profiles", {
    userId: user._id,
    username: user.username,
    displayName: user.name || user.username,
    role: "member",
    bio: "",
  });
}

// Mail leaves only after the user's transaction commits: a rolled-back sign-up sends nothing.
async function scheduleWelcome(ctx: MutationCtx, user: AuthUser) {
  await ctx.scheduler.runAfter(0, internal.welcome.send, {
    email: user.email,
    username: user.username,
  });
}

export const onboarding = defineOnboarding<DataModel, AuthUser>({
  version: 1,
  steps: [createProfile, scheduleWelcome],
});
