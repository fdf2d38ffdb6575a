import { defineSchema } from "convex/server";

// The bare setup keeps nothing of its own: every row lives in the Better Auth component.
export default defineSchema({});
