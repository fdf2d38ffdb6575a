/**
 * Shared setup of the reference app's convex-test suites: a fresh backend with the Better Auth
 * component, the plugin's test kit, and read-only views of what sign-ups wrote.
 * (Two dots in the name: Convex never deploys this file.)
 */
import { convexTest } from "convex-test";
import { authTest, runInComponent } from "convex-otp-onboarding/test";
import authSchema from "./betterAuth/schema";
import schema from "./schema";

const modules = import.meta.glob("./**/*.*s");
const authModules = import.meta.glob("./betterAuth/**/*.*s");

/** Options of {@link setup}. */
export type SetupOptions = {
  /** Hand codes to the configured sender instead of the kit's outbox. */
  captureMail?: boolean;
  /** Enforce Convex's per-transaction limits (`true`), or tighter ones. */
  transactionLimits?: true | { databaseQueries?: number; documentsRead?: number; documentsWritten?: number };
  /** Modules loaded in place of the app's own, by path (e.g. `"./http.ts"`). */
  replace?: Record<string, () => Promise<any>>;
};

export function setup({ transactionLimits, replace, ...options }: SetupOptions = {}) {
  const t = convexTest({ schema, modules: { ...modules, ...replace }, transactionLimits });
  const auth = authTest(t, { schema: authSchema, modules: authModules, ...options });

  const inAuthComponent = <T>(handler: (ctx: { db: any }) => Promise<T>): Promise<T> =>
    runInComponent(t, "betterAuth", handler);

  /** Everything a sign-up can write, to prove that a refused one wrote nothing. */
  async function written() {
    const [users, codes] = await inAuthComponent(async (ctx) => [
      await ctx.db.query("user").collect(),
      await ctx.db.query("verification").collect(),
    ]);
    const [profiles, markers] = await t.run(async (ctx) => [
      await ctx.db.query("profiles").collect(),
      await ctx.db.query("onboardings").collect(),
    ]);
    return { users, codes, profiles, markers };
  }

  return { t, auth, written, inAuthComponent };
}

/**
 * A profile row left behind without its user, which makes the reference onboarding refuse the
 * username (the way to make a sign-up's onboarding fail in tests).
 */
export const strayProfile = (username: string) => ({
  userId: `gone-${username}`,
  username,
  displayName: username,
  role: "member" as const,
  bio: "",
});

/** Writes what version 1 of the reference app left for existing users: a profile and a marker at 1. */
export async function onboardAtVersion1(
  t: ReturnType<typeof setup>["t"],
  profiles: { userId: string; username: string; displayName: string }[],
) {
  await t.run(async (ctx) => {
    for (const profile of profiles) {
      await ctx.db.insert("profiles", { ...profile, role: "member", bio: "" });
      await ctx.db.insert("onboardings", { userId: profile.userId, version: 1, onboardedAt: 1 });
    }
  });
}

/** The JSON body of a route's answer. */
export async function json(response: Response): Promise<any> {
  return await response.json();
}
