import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { onboardingTables, signUpPolicyTables } from "convex-otp-onboarding/convex";

export default defineSchema({
  // The once-marker of each onboarded user (from the plugin).
  ...onboardingTables,
  // Invites, their redemptions, the waitlist and the allowlist rows of the sign-up policy (from the plugin).
  ...signUpPolicyTables,
  profiles: defineTable({
    userId: v.string(),
    username: v.string(),
    displayName: v.string(),
    // Set once the owner edits the display name; until then it follows the user's name.
    displayNameEdited: v.optional(v.boolean()),
    role: v.literal("member"),
    bio: v.string(),
    // The username of whoever invited this user, if an invite admitted them.
    invitedBy: v.optional(v.string()),
  })
    .index("by_userId", ["userId"])
    .index("by_username", ["username"]),
});
