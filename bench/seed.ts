/**
 * Existing users for the scale runs, written straight into the tables (no routes, no calls), with
 * the rows a real sign-up leaves: the component's `user` and `session`, and on the plugin setup the
 * user's `username` and the app's profile and onboarding marker.
 */
import type { MutationCtx } from "../convex/_generated/server.js";
import { runInComponent } from "convex-otp-onboarding/test";
import type { Setup } from "./setups.js";

const BATCH = 1000;

/** Inserts `count` signed-up users into `setup`, in transactions of {@link BATCH}. */
export async function seedUsers(setup: Setup, count: number) {
  const isPlugin = setup.name === "plugin";
  for (let first = 0; first < count; first += BATCH) {
    const indexes = Array.from({ length: Math.min(BATCH, count - first) }, (_, i) => first + i);
    const now = Date.now();
    const userIds = await runInComponent(setup.t, "betterAuth", async (ctx) => {
      const ids: string[] = [];
      for (const i of indexes) {
        const userId = await ctx.db.insert("user", {
          name: "",
          email: `seed${i}@example.com`,
          emailVerified: true,
          createdAt: now,
          updatedAt: now,
          ...(isPlugin ? { username: `seed${i}` } : {}),
        });
        await ctx.db.insert("session", {
          token: `seed-session-${i}`,
          userId,
          expiresAt: now + 7 * 24 * 3600 * 1000,
          createdAt: now,
          updatedAt: now,
        });
        ids.push(userId);
      }
      return ids;
    });
    if (!isPlugin) continue;
    await setup.t.run(async (anyCtx) => {
      // The plugin setup's app tables are the reference backend's.
      const ctx = anyCtx as unknown as MutationCtx;
      for (const [n, userId] of userIds.entries()) {
        const username = `seed${indexes[n]}`;
        await ctx.db.insert("profiles", {
          userId,
          username,
          displayName: username,
          role: "member",
          bio: "",
        });
        await ctx.db.insert("onboardings", { userId, version: 1, onboardedAt: now });
      }
    });
  }
}
