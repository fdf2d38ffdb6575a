import { v } from "convex/values";
import { onboardingError, toSignUpIssues } from "convex-otp-onboarding/convex";
import { userMutation, userQuery } from "./functions";
import { profileUpdate } from "./signUpFields";

const profileValidator = v.object({
  _id: v.id("profiles"),
  _creationTime: v.number(),
  userId: v.string(),
  username: v.string(),
  displayName: v.string(),
  displayNameEdited: v.optional(v.boolean()),
  role: v.literal("member"),
  bio: v.string(),
  invitedBy: v.optional(v.string()),
});

/** The signed-in user's profile, or `null` when signed out. */
export const me = userQuery({
  args: {},
  returns: v.union(profileValidator, v.null()),
  handler: async (ctx) => {
    const { userId } = ctx.viewer;
    if (userId === null) return null;
    return await ctx.db
      .query("profiles")
      .withIndex("by_userId", (q) => q.eq("userId", userId))
      .unique();
  },
});

/** A profile, if the caller owns it; `null` otherwise (whether or not it exists). */
export const get = userQuery({
  args: { profileId: v.id("profiles") },
  returns: v.union(profileValidator, v.null()),
  handler: async (ctx, { profileId }) => await ctx.db.get("profiles", profileId),
});

/**
 * Changes the display name and bio of the caller's own profile, under the same rules as sign-up.
 * Anyone else gets `FORBIDDEN` and nothing changes.
 */
export const update = userMutation({
  args: {
    profileId: v.id("profiles"),
    displayName: v.optional(v.string()),
    bio: v.optional(v.string()),
  },
  returns: v.null(),
  handler: async (ctx, { profileId, ...changes }) => {
    const parsed = profileUpdate.safeParse(changes);
    if (!parsed.success) {
      throw onboardingError("INVALID_SIGNUP_PARAMS", { issues: toSignUpIssues(parsed.error) });
    }
    // A chosen display name no longer follows the user's name.
    const edited = parsed.data.displayName === undefined ? {} : { displayNameEdited: true };
    await ctx.db.patch("profiles", profileId, { ...parsed.data, ...edited });
    return null;
  },
});
