/**
 * The reference app's onboarding: what every new user gets, once, in the same transaction as
 * their Better Auth user, and how it follows the user afterwards (changes, deletion, upgrades).
 */
import type { Infer } from "convex/values";
import { defineOnboarding, onboardingError, type OnboardingRun } from "convex-otp-onboarding/convex";
import { internal } from "./_generated/api";
import type { DataModel, Doc } from "./_generated/dataModel";
import type { MutationCtx } from "./_generated/server";
import type authSchema from "./betterAuth/schema";

/** A Better Auth user row as the triggers receive it. */
export type AuthUser = Infer<typeof authSchema.tables.user.validator> & {
  _id: string;
  _creationTime: number;
};

/** The display name a profile shows until its owner picks one: the user's name, else the username. */
const defaultDisplayName = (user: AuthUser) => user.name || user.username;

async function profileOf(ctx: MutationCtx, user: AuthUser) {
  return await ctx.db
    .query("profiles")
    .withIndex("by_userId", (q) => q.eq("userId", user._id))
    .unique();
}

// Profiles made before version 2 carry no flag; one whose name differs from the default was edited.
const displayNameEdited = (profile: Doc<"profiles">, user: AuthUser) =>
  profile.displayNameEdited ?? profile.displayName !== defaultDisplayName(user);

/** The username of the user who made the invite, if one admitted this user. */
async function inviterOf(ctx: MutationCtx, { invite }: OnboardingRun) {
  const invitedBy = invite?.invitedBy;
  if (!invitedBy) return undefined;
  const inviter = await ctx.db
    .query("profiles")
    .withIndex("by_userId", (q) => q.eq("userId", invitedBy))
    .unique();
  return inviter?.username;
}

async function createProfile(ctx: MutationCtx, user: AuthUser, run: OnboardingRun) {
  // Profiles keep usernames unique on their own too: a stray row must stop the sign-up, not be shadowed.
  const clash = await ctx.db
    .query("profiles")
    .withIndex("by_username", (q) => q.eq("username", user.username))
    .unique();
  if (clash) throw onboardingError("USERNAME_TAKEN");
  await ctx.db.insert("profiles", {
    userId: user._id,
    username: user.username,
    displayName: defaultDisplayName(user),
    displayNameEdited: false,
    role: "member",
    bio: "",
    ...(await inviterOf(ctx, run).then((invitedBy) => (invitedBy ? { invitedBy } : {}))),
  });
}

// Mail leaves only after the user's transaction commits: a rolled-back sign-up sends nothing.
// Users onboarded by the backfill have used the app before the plugin; they get no welcome.
async function scheduleWelcome(
  ctx: MutationCtx,
  user: AuthUser,
  { source }: { source: "create" | "backfill" },
) {
  if (source === "backfill") return;
  await ctx.scheduler.runAfter(0, internal.welcome.send, {
    email: user.email,
    username: user.username,
  });
}

// Version 2 records whether the owner chose their display name, so that it can follow the user's name.
async function recordDisplayNameChoice(ctx: MutationCtx, user: AuthUser, fromVersion: number) {
  const profile = await profileOf(ctx, user);
  if (fromVersion < 2 && profile && profile.displayNameEdited === undefined) {
    await ctx.db.patch("profiles", profile._id, { displayNameEdited: displayNameEdited(profile, user) });
  }
}

// The profile mirrors the username, and the name until its owner edits the display name. The email
// lives on the Better Auth user only, so an email change has nothing here to go stale.
async function mirrorUser(ctx: MutationCtx, user: AuthUser, previous: AuthUser) {
  const profile = await profileOf(ctx, user);
  if (!profile) return;
  const changes: Partial<Doc<"profiles">> = {};
  if (profile.username !== user.username) changes.username = user.username;
  if (!displayNameEdited(profile, previous) && profile.displayName !== defaultDisplayName(user)) {
    changes.displayName = defaultDisplayName(user);
  }
  if (Object.keys(changes).length > 0) await ctx.db.patch("profiles", profile._id, changes);
}

async function deleteProfile(ctx: MutationCtx, user: AuthUser) {
  const profile = await profileOf(ctx, user);
  if (profile) await ctx.db.delete("profiles", profile._id);
}

export const onboarding = defineOnboarding<DataModel, AuthUser>({
  version: 2,
  steps: [createProfile, scheduleWelcome],
  upgrade: recordDisplayNameChoice,
  sync: [mirrorUser],
  cleanup: [deleteProfile],
  // Steps receive the invite a new user signed up with: the profile shows who invited them.
  invites: true,
});
