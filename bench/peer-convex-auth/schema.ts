import { authTables } from "@convex-dev/auth/server";
import { defineSchema } from "convex/server";

// Convex Auth's own tables, nothing else: users, accounts, sessions, codes, rate limits.
export default defineSchema({ ...authTables });
