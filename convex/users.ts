import { v } from "convex/values";
import {
  backfillArgs,
  backfillOnboardingPage,
  backfillPageValidator,
  getOnboardingStatus,
  onboardingStatusValidator,
  serverUsers,
  type BackfillPage,
} from "convex-otp-onboarding/convex";
import { components, internal } from "./_generated/api";
import { internalMutation, query } from "./_generated/server";
import { authComponent, authFunctions } from "./auth";
import { onboarding } from "./onboarding";
import { signUpFields } from "./signUpFields";

/** The signed-in user's once-marker: onboarded, at which version, when. `null` if signed out or never onboarded. */
export const onboardingStatus = query({
  args: {},
  returns: v.union(onboardingStatusValidator, v.null()),
  handler: async (ctx) => {
    const user = await authComponent.safeGetAuthUser(ctx);
    return user ? await getOnboardingStatus(ctx, user._id) : null;
  },
});

// Same schema, same triggers as the sign-up routes.
const users = serverUsers({ component: components.betterAuth, authFunctions, fields: signUpFields });

/**
 * Creates a user from the backend (an invite, an import), onboarded in this same transaction. The
 * email is not verified until the person signs in with a code. Throws `ConvexError`
 * `INVALID_SIGNUP_PARAMS` (with `issues`), `EMAIL_TAKEN` or `USERNAME_TAKEN`.
 */
export const create = internalMutation({
  args: { email: v.string(), username: v.string(), name: v.optional(v.string()) },
  returns: v.object({ userId: v.string() }),
  handler: async (ctx, args) => await users.create(ctx, args),
});

/**
 * Deletes a user, their sessions and accounts; the profile and once-marker go in the same
 * transaction. Returns `false` if there was no such user.
 */
export const remove = internalMutation({
  args: { userId: v.string() },
  returns: v.boolean(),
  handler: async (ctx, { userId }) => await users.remove(ctx, userId),
});

/**
 * Onboards users that existed before onboarding was installed, and upgrades those onboarded at an
 * older version: one page per transaction, each page scheduling the next. Run it with `{}`
 * (`npx convex run users:backfillOnboarding`); running it again changes nobody twice.
 */
export const backfillOnboarding = internalMutation({
  args: backfillArgs,
  returns: backfillPageValidator,
  handler: async (ctx, args): Promise<BackfillPage> =>
    await backfillOnboardingPage(ctx, args, {
      component: components.betterAuth,
      onboarding,
      next: internal.users.backfillOnboarding,
    }),
});
