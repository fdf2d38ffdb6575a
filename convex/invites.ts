/**
 * Invites and the waitlist of the reference app's sign-up policy (see `signUpPolicy` in ./auth.ts).
 * Signed-in users make, list and revoke their own invites; the waitlist is the operator's, run with
 * `npx convex run invites:waitlist` and `npx convex run invites:approve '{"entryId": "..."}'`.
 */
import { RateLimiter, HOUR } from "@convex-dev/rate-limiter";
import { v } from "convex/values";
import {
  inviteSummaryValidator,
  onboardingError,
  signUpInvites,
  waitlistEntryValidator,
} from "convex-otp-onboarding/convex";
import { components, internal } from "./_generated/api";
import { internalMutation, internalQuery, mutation, query, type QueryCtx } from "./_generated/server";
import { authComponent, createAuth, signUpPolicy } from "./auth";

const invites = signUpInvites({ createAuth, mail: internal.auth.signUpMail });

// Ten invites per user per hour, a burst of ten: enough to bring a team, not to spam.
const rateLimiter = new RateLimiter(components.rateLimiter, {
  createInvite: { kind: "token bucket", rate: 10, period: HOUR, capacity: 10 },
});

const DAY_MS = 24 * 60 * 60 * 1000;

async function signedInUser(ctx: QueryCtx) {
  const user = await authComponent.safeGetAuthUser(ctx);
  if (!user) throw onboardingError("FORBIDDEN");
  return user;
}

/** Who may sign up here, so that the sign-up form knows whether to ask for an invite. */
export const signUpMode = query({
  args: {},
  returns: v.object({
    mode: v.union(v.literal("open"), v.literal("allowlist"), v.literal("invite"), v.literal("waitlist")),
    asksForInvite: v.boolean(),
  }),
  handler: async () => {
    const mode = signUpPolicy(process.env).mode ?? "open";
    return { mode, asksForInvite: mode === "invite" || mode === "waitlist" };
  },
});

/**
 * Makes an invite from the signed-in user: optionally bound to `email`, for `uses` sign-ups
 * (default 1), valid `expiresInDays` (default 14). Returns its code, shown once.
 */
export const create = mutation({
  args: { email: v.optional(v.string()), uses: v.optional(v.number()), expiresInDays: v.optional(v.number()) },
  returns: v.object({ code: v.string() }),
  handler: async (ctx, { email, uses, expiresInDays = 14 }) => {
    const user = await signedInUser(ctx);
    if (!(expiresInDays > 0 && expiresInDays <= 90)) {
      throw onboardingError("INVALID_SIGNUP_PARAMS", { issues: [{ path: "expiresInDays", message: "Use 1 to 90 days" }] });
    }
    const limit = await rateLimiter.limit(ctx, "createInvite", { key: user._id });
    if (!limit.ok) throw onboardingError("RATE_LIMITED", { retryAfter: Math.ceil(limit.retryAfter / 1000) });
    const { code } = await invites.create(ctx, {
      invitedBy: user._id,
      email,
      uses,
      expiresAt: Date.now() + expiresInDays * DAY_MS,
    });
    return { code };
  },
});

/** The signed-in user's invites, newest first, with their state and how many joined. */
export const mine = query({
  args: {},
  returns: v.array(inviteSummaryValidator),
  handler: async (ctx) => {
    const user = await authComponent.safeGetAuthUser(ctx);
    return user ? await invites.list(ctx, { invitedBy: user._id }) : [];
  },
});

/** Revokes one of the signed-in user's invites; `false` if they have no such invite. */
export const revoke = mutation({
  args: { inviteId: v.string() },
  returns: v.boolean(),
  handler: async (ctx, { inviteId }) => {
    const user = await signedInUser(ctx);
    return await invites.revoke(ctx, inviteId, { invitedBy: user._id });
  },
});

/** The waitlist's pending entries, oldest first. */
export const waitlist = internalQuery({
  args: {},
  returns: v.array(waitlistEntryValidator),
  handler: async (ctx) => await invites.waitlist(ctx),
});

/** Approves a waitlist entry: an invite bound to its address, mailed once this commits. */
export const approve = internalMutation({
  args: { entryId: v.string() },
  returns: v.union(v.object({ inviteId: v.string() }), v.null()),
  handler: async (ctx, { entryId }) => await invites.approve(ctx, entryId),
});
