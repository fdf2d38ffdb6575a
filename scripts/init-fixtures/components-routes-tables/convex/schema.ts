import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

// The app's own tables, with their indexes.
export default defineSchema({
  messages: defineTable({ author: v.string(), body: v.string() }).index("by_author", ["author"]),
  channels: defineTable({ name: v.string() }),
});
