/**
 * The reference component's tables, less what the plugin adds to `user` (`username` and its
 * index): what a bare emailOTP setup stores.
 */
import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { tables } from "../../../convex/betterAuth/schema";

const { username: _pluginField, ...userFields } = tables.user.validator.fields;

export default defineSchema({
  ...tables,
  user: defineTable(v.object(userFields))
    .index("email_name", ["email", "name"])
    .index("name", ["name"])
    .index("userId", ["userId"]),
});
