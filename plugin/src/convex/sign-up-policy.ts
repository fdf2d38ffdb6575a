/**
 * The sign-up policy's tables and what the app's own functions do with them: invites (made, listed,
 * revoked, redeemed), the waitlist (listed, approved) and the allowlist rows the app manages.
 *
 * They are app tables, spread into the app's schema like the once-marker table: the auth mutation
 * and the onboarding trigger are app functions, so they read and write them directly, in the user's
 * insert transaction, with no nested call; and the app's admins list them with ordinary indexed
 * queries. (A Better Auth plugin table would land in the component instead, where only a locally
 * installed component can have it, and every read would be a nested call through the adapter.)
 */
import {
  defineTable,
  internalActionGeneric,
  type DataModelFromSchemaDefinition,
  type DocumentByName,
  type FunctionReference,
  type GenericMutationCtx,
  type GenericQueryCtx,
  type SchemaDefinition,
} from "convex/server";
import { v, type GenericId, type Infer, type Value } from "convex/values";
import { deliverNotice } from "../mail/capture.js";
import { canonicalMailbox } from "../server/limits.js";
import { inviteCodeFor, inviteCodeHash, normalizeInviteCode } from "../server/sign-up-policy.js";
import { emailSchema } from "../shared/sign-up-schema.js";
import { otpPluginOptions, type CreateAuth } from "./auth-request.js";
import { onboardingError } from "./errors.js";

/** An invite: its code kept as a keyed hash, who made it, for whom, how often and how long it works. */
export const inviteFields = {
  /** The keyed hash of the code (the code itself is never stored). */
  codeHash: v.string(),
  /** The user who made it, if a user did. */
  invitedBy: v.optional(v.string()),
  /** The address it is bound to (lower-cased), if any: only that mailbox can redeem it. */
  email: v.optional(v.string()),
  /** How many sign-ups it admits, and how many it has. */
  uses: v.number(),
  used: v.number(),
  expiresAt: v.optional(v.number()),
  revokedAt: v.optional(v.number()),
  /** The app's own data, handed to onboarding (e.g. `{ teamId }`). */
  data: v.optional(v.any()),
};

/**
 * Tables the sign-up policy needs in the app's schema (when `signUp.mode` is not `"open"`, or
 * invites are made at all).
 *
 * ```ts
 * export default defineSchema({ ...onboardingTables, ...signUpPolicyTables, profiles: defineTable({ ... }) });
 * ```
 */
export const signUpPolicyTables = {
  invites: defineTable(inviteFields).index("by_codeHash", ["codeHash"]).index("by_invitedBy", ["invitedBy"]),
  /** One row per sign-up an invite admitted; `userId` is filled by onboarding. */
  inviteRedemptions: defineTable({
    inviteId: v.id("invites"),
    email: v.string(),
    userId: v.optional(v.string()),
    redeemedAt: v.number(),
  })
    .index("by_email", ["email"])
    .index("by_inviteId", ["inviteId"]),
  /** Sign-up requests the policy did not admit, one per mailbox, oldest first. */
  waitlist: defineTable({
    /** The address as given (lower-cased); `mailbox` is its canonical form, one entry per mailbox. */
    email: v.string(),
    mailbox: v.string(),
    /** The sign-up fields sent with the request (the invite field left out). */
    fields: v.any(),
    requestedAt: v.number(),
    /** Set once approved: the invite bound to the address. */
    inviteId: v.optional(v.id("invites")),
  })
    .index("by_mailbox", ["mailbox"])
    .index("by_inviteId_requestedAt", ["inviteId", "requestedAt"]),
  /** Addresses (`ann@acme.com`) and domains (`@acme.com`) the app admits, besides `signUp.allow`. */
  signUpAllowlist: defineTable({ entry: v.string() }).index("by_entry", ["entry"]),
};

// The tables' own types, as the app's generated data model would have them.
type PolicyDataModel = DataModelFromSchemaDefinition<SchemaDefinition<typeof signUpPolicyTables, true>>;
export type InviteDoc = DocumentByName<PolicyDataModel, "invites">;

// The tables come from `signUpPolicyTables`; read and write them through their own types.
const reader = (ctx: GenericQueryCtx<any>) => (ctx as unknown as GenericQueryCtx<PolicyDataModel>).db;
const writer = (ctx: GenericMutationCtx<any>) => (ctx as unknown as GenericMutationCtx<PolicyDataModel>).db;

/** Where an invite stands. */
export type InviteState = "active" | "used" | "expired" | "revoked";

export function inviteState(invite: InviteDoc, now = Date.now()): InviteState {
  if (invite.revokedAt !== undefined) return "revoked";
  if (invite.used >= invite.uses) return "used";
  if (invite.expiresAt !== undefined && invite.expiresAt <= now) return "expired";
  return "active";
}

/** The invite `code` names, if it can admit `email` now; `null` whatever the reason it cannot. */
export async function usableInvite(ctx: GenericQueryCtx<any>, secret: string, code: string, email: string) {
  const normalized = normalizeInviteCode(code);
  if (!normalized) return null;
  const codeHash = await inviteCodeHash(secret, normalized);
  const invite = await reader(ctx)
    .query("invites")
    .withIndex("by_codeHash", (q) => q.eq("codeHash", codeHash))
    .unique();
  return invite && admits(invite, email) ? invite : null;
}

const admits = (invite: InviteDoc, email: string) =>
  inviteState(invite) === "active" && (invite.email === undefined || canonicalMailbox(invite.email) === canonicalMailbox(email));

/**
 * Uses one place of the invite for `email`, in the transaction that inserts the user; parallel
 * sign-ups with one invite conflict here, and Convex runs them one after the other. `false` if it
 * can no longer admit `email`.
 */
export async function redeemInvite(ctx: GenericMutationCtx<any>, inviteId: string, email: string): Promise<boolean> {
  const db = writer(ctx);
  const invite = await db.get("invites", inviteId as GenericId<"invites">);
  if (!invite || !admits(invite, email)) return false;
  await db.patch("invites", invite._id, { used: invite.used + 1 });
  await db.insert("inviteRedemptions", { inviteId: invite._id, email: email.toLowerCase(), redeemedAt: Date.now() });
  return true;
}

/** Whether `email` is on the allowlist: `allow` (normalised entries) or a row of `signUpAllowlist`. */
export async function isAllowlisted(ctx: GenericQueryCtx<any>, allow: ReadonlySet<string>, email: string) {
  const mailbox = canonicalMailbox(email);
  const entries = [mailbox, mailbox.slice(mailbox.lastIndexOf("@"))];
  if (entries.some((entry) => allow.has(entry))) return true;
  for (const entry of entries) {
    const row = await reader(ctx)
      .query("signUpAllowlist")
      .withIndex("by_entry", (q) => q.eq("entry", entry))
      .first();
    if (row) return true;
  }
  return false;
}

/** Puts `email` on the waitlist with its sign-up fields; a mailbox already there keeps its place. */
export async function recordWaitlistEntry(ctx: GenericMutationCtx<any>, email: string, fields: Record<string, unknown>) {
  const mailbox = canonicalMailbox(email);
  const db = writer(ctx);
  const entry = await db
    .query("waitlist")
    .withIndex("by_mailbox", (q) => q.eq("mailbox", mailbox))
    .unique();
  if (!entry) await db.insert("waitlist", { email, mailbox, fields, requestedAt: Date.now() });
  else if (entry.inviteId === undefined) await db.patch("waitlist", entry._id, { email, fields });
}

/** The invite a user signed up with, as onboarding steps receive it. */
export type RedeemedInvite = {
  inviteId: string;
  /** The user who made the invite, if a user did. */
  invitedBy: string | null;
  /** The app's data given when the invite was made (e.g. `{ teamId }`). */
  data: Value | null;
};

/**
 * The invite the new `user` redeemed in this transaction, claimed for them (the redemption records
 * the user), or `null` if they signed up without one.
 */
export async function claimRedeemedInvite(
  ctx: GenericMutationCtx<any>,
  user: { _id: string; email: string },
): Promise<RedeemedInvite | null> {
  const db = writer(ctx);
  const redemptions = await db
    .query("inviteRedemptions")
    .withIndex("by_email", (q) => q.eq("email", user.email.toLowerCase()))
    .collect();
  const redemption = redemptions.find((row) => row.userId === undefined);
  if (!redemption) return null;
  await db.patch("inviteRedemptions", redemption._id, { userId: user._id });
  const invite = await db.get("invites", redemption.inviteId);
  return { inviteId: redemption.inviteId, invitedBy: invite?.invitedBy ?? null, data: (invite?.data as Value | undefined) ?? null };
}

/** An invite as its maker sees it (never its code). */
export const inviteSummaryValidator = v.object({
  inviteId: v.string(),
  email: v.union(v.string(), v.null()),
  uses: v.number(),
  used: v.number(),
  expiresAt: v.union(v.number(), v.null()),
  createdAt: v.number(),
  state: v.union(v.literal("active"), v.literal("used"), v.literal("expired"), v.literal("revoked")),
  /** The users who signed up with it. */
  joined: v.array(v.string()),
});
export type InviteSummary = Infer<typeof inviteSummaryValidator>;

/** A waitlist entry as the app's admins see it. */
export const waitlistEntryValidator = v.object({
  entryId: v.string(),
  email: v.string(),
  fields: v.any(),
  requestedAt: v.number(),
});

/** What {@link signUpInvites}' `create` takes. */
export type NewInvite = {
  /** The user making it (shown to the invitee, given to onboarding). */
  invitedBy?: string | undefined;
  /** Bind it to one address. */
  email?: string | undefined;
  /**
   * How many sign-ups it admits (1 to 1000).
   * @default 1
   */
  uses?: number | undefined;
  /** When it stops working, in milliseconds since the epoch. @default never */
  expiresAt?: number | undefined;
  /** The app's own data, handed to onboarding. */
  data?: Value | undefined;
};

/** Options of {@link signUpInvites}. */
export type SignUpInvitesOptions = {
  /** Your `createAuth`: the invite codes are keyed with its secret, the mail uses its sender. */
  createAuth: CreateAuth;
  /** The action that mails an approved waitlist entry its invite: `internal.auth.signUpMail` (see {@link signUpMailAction}). */
  mail?: FunctionReference<"action", "internal", { inviteId: string; to: string }, null> | undefined;
};

const MAX_USES = 1000;
const LIST_LIMIT = 100;

/**
 * The app's side of invites and the waitlist, to call from its own mutations and queries (who may
 * make invites, list or approve the waitlist is the app's to decide).
 *
 * ```ts
 * const invites = signUpInvites({ createAuth, mail: internal.auth.signUpMail });
 * export const create = mutation({ args, handler: async (ctx, args) => {
 *   const user = await authComponent.getAuthUser(ctx);
 *   return await invites.create(ctx, { invitedBy: user._id, ...args });
 * } });
 * ```
 */
export function signUpInvites({ createAuth, mail }: SignUpInvitesOptions) {
  const secretOf = async (ctx: GenericQueryCtx<any>) => ((await createAuth(ctx).$context) as { secret: string }).secret;

  /** Makes an invite; returns its id and its code (shown once: only its keyed hash is kept). */
  async function create(ctx: GenericMutationCtx<any>, invite: NewInvite): Promise<{ inviteId: string; code: string }> {
    const uses = invite.uses ?? 1;
    if (!Number.isInteger(uses) || uses < 1 || uses > MAX_USES) {
      throw onboardingError("INVALID_SIGNUP_PARAMS", { issues: [{ path: "uses", message: `Use a whole number from 1 to ${MAX_USES}` }] });
    }
    if (invite.expiresAt !== undefined && !(invite.expiresAt > Date.now())) {
      throw onboardingError("INVALID_SIGNUP_PARAMS", { issues: [{ path: "expiresAt", message: "Use a time in the future" }] });
    }
    const email = invite.email === undefined ? undefined : emailSchema.safeParse(invite.email);
    if (email && !email.success) {
      throw onboardingError("INVALID_SIGNUP_PARAMS", { issues: [{ path: "email", message: "Enter a valid email address" }] });
    }
    const db = writer(ctx);
    const inviteId = await db.insert("invites", {
      codeHash: "",
      uses,
      used: 0,
      ...(invite.invitedBy !== undefined ? { invitedBy: invite.invitedBy } : {}),
      ...(email ? { email: email.data } : {}),
      ...(invite.expiresAt !== undefined ? { expiresAt: invite.expiresAt } : {}),
      ...(invite.data !== undefined ? { data: invite.data } : {}),
    });
    const secret = await secretOf(ctx);
    const code = await inviteCodeFor(secret, inviteId);
    await db.patch("invites", inviteId, { codeHash: await inviteCodeHash(secret, normalizeInviteCode(code)!) });
    return { inviteId, code };
  }

  /** The invites `invitedBy` made, newest first (at most 100), with their state and who joined. */
  async function list(ctx: GenericQueryCtx<any>, { invitedBy }: { invitedBy: string }): Promise<InviteSummary[]> {
    const db = reader(ctx);
    const invites = await db
      .query("invites")
      .withIndex("by_invitedBy", (q) => q.eq("invitedBy", invitedBy))
      .order("desc")
      .take(LIST_LIMIT);
    return await Promise.all(
      invites.map(async (invite) => {
        const redemptions = await db
          .query("inviteRedemptions")
          .withIndex("by_inviteId", (q) => q.eq("inviteId", invite._id))
          .take(MAX_USES);
        return {
          inviteId: invite._id,
          email: invite.email ?? null,
          uses: invite.uses,
          used: invite.used,
          expiresAt: invite.expiresAt ?? null,
          createdAt: invite._creationTime,
          state: inviteState(invite),
          joined: redemptions.flatMap((row) => (row.userId ? [row.userId] : [])),
        };
      }),
    );
  }

  /**
   * Revokes an invite: no sign-up can redeem it from now on (one racing with this either commits
   * before it, or is refused). With `invitedBy`, only that user's invite. `false` if there is none.
   */
  async function revoke(ctx: GenericMutationCtx<any>, inviteId: string, { invitedBy }: { invitedBy?: string } = {}) {
    const db = writer(ctx);
    const id = db.normalizeId("invites", inviteId);
    const invite = id && (await db.get("invites", id));
    if (!invite || (invitedBy !== undefined && invite.invitedBy !== invitedBy)) return false;
    if (invite.revokedAt === undefined) await db.patch("invites", invite._id, { revokedAt: Date.now() });
    return true;
  }

  /** The waitlist's pending entries, oldest first (at most `limit`, 100 by default). */
  async function waitlist(ctx: GenericQueryCtx<any>, { limit = LIST_LIMIT }: { limit?: number } = {}) {
    const entries = await reader(ctx)
      .query("waitlist")
      .withIndex("by_inviteId_requestedAt", (q) => q.eq("inviteId", undefined))
      .take(limit);
    return entries.map(({ _id, email, fields, requestedAt }) => ({ entryId: _id, email, fields, requestedAt }));
  }

  /**
   * Approves a waitlist entry: makes an invite bound to its address and mails it (through `mail`,
   * once this mutation commits). Approving twice, even in parallel, makes one invite and one mail.
   * `null` if there is no such entry.
   */
  async function approve(
    ctx: GenericMutationCtx<any>,
    entryId: string,
    { invitedBy, expiresAt }: { invitedBy?: string; expiresAt?: number } = {},
  ): Promise<{ inviteId: string } | null> {
    const db = writer(ctx);
    const id = db.normalizeId("waitlist", entryId);
    const entry = id && (await db.get("waitlist", id));
    if (!entry) return null;
    if (entry.inviteId !== undefined) return { inviteId: entry.inviteId };
    if (!mail) throw new Error("convex-otp-onboarding: signUpInvites needs `mail` to approve waitlist entries");
    const { inviteId } = await create(ctx, { invitedBy, expiresAt, email: entry.email, uses: 1 });
    await db.patch("waitlist", entry._id, { inviteId: inviteId as GenericId<"invites"> });
    await ctx.scheduler.runAfter(0, mail, { inviteId, to: entry.email });
    return { inviteId };
  }

  return { create, list, revoke, waitlist, approve };
}

/**
 * The internal action that mails an approved waitlist entry its invite. The code is made again
 * here from the invite's id and the secret, so it is never stored, not even in the scheduler.
 *
 * ```ts
 * // convex/auth.ts
 * export const signUpMail = signUpMailAction(createAuth);
 * ```
 */
export function signUpMailAction(createAuth: CreateAuth) {
  return internalActionGeneric({
    args: { inviteId: v.string(), to: v.string() },
    returns: v.null(),
    handler: async (ctx, { inviteId, to }) => {
      const auth = createAuth(ctx);
      const options = otpPluginOptions(auth);
      const secret = ((await auth.$context) as { secret: string }).secret;
      const inviteCode = await inviteCodeFor(secret, inviteId);
      const inviteUrl = options.signUp.inviteUrl && `${options.signUp.inviteUrl}#invite=${inviteCode}`;
      await deliverNotice(options.sender, { kind: "invited", to, appName: options.appName, inviteCode, inviteUrl });
      return null;
    },
  });
}
