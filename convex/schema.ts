import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { onboardingTables } from "convex-otp-onboarding/convex";

export default defineSchema({
  // The once-marker of each onboarded user (from the plugin).
  ...onboardingTables,
  profiles: defineTable({
    userId: v.string(),
    username: v.string(),
    displayName: v.string(),
    // Set once the owner edits the display name; until then it follows the user's name.
    displayNameEdited: v.optional(v.boolean()),
    role: v.literal("member"),
    bio: v.string(),
  })
    .index("by_userId", ["userId"])
    .index("by_username", ["username"]),
});
