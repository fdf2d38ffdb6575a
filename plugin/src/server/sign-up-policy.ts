/**
 * Who may sign up: the policy's options, its invite codes, and the hooks that enforce it twice —
 * when a code is asked for with sign-up fields (before any mail leaves) and inside the transaction
 * that inserts the user, where it is final (a refusal there rolls the whole request back, so the
 * code stays usable).
 */
import type { HookEndpointContext } from "@better-auth/core";
import { createAuthMiddleware } from "better-auth/api";
import type { GenericMutationCtx } from "convex/server";
import {
  isAllowlisted,
  recordWaitlistEntry,
  redeemInvite,
  usableInvite,
} from "../convex/sign-up-policy.js";
import { asRecord, emailSchema, hasSignUpFields, type SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { INVITE_FIELD } from "../shared/user-fields.js";
import { pluginError, RollBack } from "./answers.js";
import { keyedOtpHash } from "./codes.js";
import { canonicalMailbox } from "./limits.js";
import type { PluginContext } from "./request.js";
import { routeOf } from "./routes.js";

/**
 * Who may create an account:
 * - `"open"`: anyone (invites still work, and onboarding sees who invited whom);
 * - `"allowlist"`: addresses and domains on the allowlist, and holders of an invite;
 * - `"invite"`: the same; the sign-up form asks for an invite;
 * - `"waitlist"`: the same, and everyone else is put on the waitlist and told so by mail.
 */
export type SignUpMode = "open" | "allowlist" | "invite" | "waitlist";

/** An address that signs up and in with a fixed code, for store review and end-to-end tests. */
export type ReviewAccount = { email: string; code: string };

/** The `signUp` option of `otpOnboarding`. Any mode but `"open"` needs `signUpPolicyTables` in the app's schema. */
export type SignUpPolicy = {
  /**
   * Who may create an account (see {@link SignUpMode}). Registered users sign in whatever the mode.
   * @default "open"
   */
  mode?: SignUpMode | undefined;
  /**
   * Addresses (`ann@acme.com`) and whole domains (`@acme.com`) that need no invite, compared as
   * mailboxes (`Ann+x@Acme.com` is `ann@acme.com`). Rows of the `signUpAllowlist` table count too.
   * @default []
   */
  allow?: readonly string[] | undefined;
  /**
   * Addresses that sign up and in with a fixed code and receive no mail (store review, end-to-end
   * tests). Wrong codes count against every limit; each code works for its own address only.
   * Read them from the deployment's environment, never from source.
   * @default []
   */
  reviewAccounts?: readonly ReviewAccount[] | undefined;
  /**
   * The sign-up page an invite mail links to; the code goes in the URL fragment (`#invite=...`),
   * which browsers never send to a server.
   * @default no link
   */
  inviteUrl?: string | undefined;
};

/** An allowlist entry as the policy compares it: a canonical mailbox, or `@domain` in lower case. */
export function allowlistEntry(entry: string): string {
  const trimmed = entry.trim().toLowerCase();
  return trimmed.startsWith("@") ? trimmed : canonicalMailbox(trimmed);
}

/** The policy with its defaults applied; refuses a configuration that cannot work. */
export function resolveSignUpPolicy(policy: SignUpPolicy = {}) {
  const reviewAccounts = new Map<string, string>();
  for (const { email, code } of policy.reviewAccounts ?? []) {
    const address = emailSchema.safeParse(email);
    if (!address.success || !/^\S{6,}$/.test(code)) {
      throw new Error("convex-otp-onboarding: each review account needs a valid address and a code of at least 6 characters");
    }
    reviewAccounts.set(address.data, code);
  }
  return {
    mode: policy.mode ?? ("open" as SignUpMode),
    allow: new Set((policy.allow ?? []).map(allowlistEntry)),
    reviewAccounts: reviewAccounts as ReadonlyMap<string, string>,
    inviteUrl: policy.inviteUrl,
  };
}

export type ResolvedSignUpPolicy = ReturnType<typeof resolveSignUpPolicy>;

// Crockford's base32: no I, L, O or U, so a code read aloud or retyped survives.
const BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const INVITE_CODE_LENGTH = 20;

/** An invite code as typed: upper case, without spaces or dashes, look-alikes mapped; `undefined` if malformed. */
export function normalizeInviteCode(code: string): string | undefined {
  const normalized = code.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  return new RegExp(`^[${BASE32}]{${INVITE_CODE_LENGTH}}$`).test(normalized) ? normalized : undefined;
}

/**
 * The code of invite `inviteId`: 100 bits of a keyed hash of its id under the Better Auth secret.
 * It is made where the invite is (a mutation, whose own randomness is only seeded per execution),
 * and remade where its mail is sent, so that the plain code is never stored anywhere.
 */
export async function inviteCodeFor(secret: string, inviteId: string): Promise<string> {
  const digest = await keyedOtpHash(secret, `invite-code:${inviteId}`);
  const bytes = Uint8Array.from(atob(digest.replace(/-/g, "+").replace(/_/g, "/")), (char) => char.charCodeAt(0));
  let bits = 0;
  let value = 0;
  let code = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && code.length < INVITE_CODE_LENGTH) {
      code += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return code.match(/.{5}/g)!.join("-");
}

/** The form an invite code is kept in: its keyed hash, as codes are (the code normalised first). */
export const inviteCodeHash = (secret: string, normalizedCode: string) => keyedOtpHash(secret, `invite:${normalizedCode}`);

/** The invite code a request carries, or `undefined` (an empty field is no invite). */
function inviteOf(body: Record<string, unknown>): string | undefined {
  const code = body[INVITE_FIELD];
  return typeof code === "string" && code.trim() !== "" ? code : undefined;
}

/** The request's address, if well-formed (a malformed one is refused by the routes' own checks). */
function addressOf(ctx: HookEndpointContext): string | undefined {
  const parsed = emailSchema.safeParse(asRecord(ctx.body)["email"]);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The policy's hooks for one plugin instance:
 * - `inviteGate` (before sends and sign-ins that carry an invite): an invite that cannot admit
 *   this address answers `INVITE_INVALID` and spends the client IP's budget, before any code is
 *   looked at; a usable one is remembered for the insert;
 * - `admission` (before a sign-in code is sent with sign-up fields, once the send's limits are
 *   spent): an unknown address the policy does not admit is mailed a notice instead of a code
 *   (and put on the waitlist in that mode); the answer is the one a registered address gets;
 * - `beforeUserCreate` (Better Auth's `user.create.before`): the final word, in the insert's
 *   transaction: redeems the invite, or refuses with `SIGN_UP_CLOSED` and rolls everything back.
 */
export function signUpPolicy<Fields extends SignUpFieldsSchema>(plugin: PluginContext<Fields>) {
  const { fields, routes } = plugin.options;
  const policy = plugin.options.signUp;
  const db = () => plugin.options.ctx as GenericMutationCtx<any>;
  const isReviewAccount = (email: string) => policy.reviewAccounts.has(email.trim().toLowerCase());
  /** Admitted without an invite: a review account, or on the allowlist (options or table). */
  const admittedByAddress = async (email: string) =>
    policy.mode === "open" || isReviewAccount(email) || (await isAllowlisted(db(), policy.allow, email));

  const inviteGate = createAuthMiddleware(async (ctx) => {
    const code = inviteOf(asRecord(ctx.body));
    const email = addressOf(ctx);
    const state = plugin.state();
    if (!code || !email || !state) return;
    const invite = await usableInvite(db(), ctx.context.secret, code, email);
    if (invite) {
      state.invite = invite._id;
      return;
    }
    const refusal = await plugin.limits().spendIp(state.ip);
    throw refusal ?? pluginError("INVITE_INVALID");
  });

  const admission = createAuthMiddleware(async (ctx) => {
    const state = plugin.state();
    const email = addressOf(ctx);
    if (!state || !email || state.invite || (await admittedByAddress(email))) return;
    // A registered address signs in, whatever the mode: same answer, same mail as ever.
    if (await ctx.context.internalAdapter.findUserByEmail(email)) return;
    state.notice = policy.mode === "waitlist" ? "waitlisted" : "sign-up-closed";
    if (policy.mode === "waitlist") {
      const { [INVITE_FIELD]: _invite, email: _email, type: _type, ...given } = asRecord(ctx.body);
      await recordWaitlistEntry(db(), email, given);
    }
  });

  /** Better Auth's `user.create.before`: admits the new user or rolls the request back. */
  async function beforeUserCreate(user: Record<string, unknown>) {
    const state = plugin.state();
    const email = user["email"];
    if (!state || typeof email !== "string") return;
    if (state.invite) {
      if (!(await redeemInvite(db(), state.invite, email))) throw new RollBack(pluginError("INVITE_INVALID"));
      return;
    }
    if (!(await admittedByAddress(email))) throw new RollBack(pluginError("SIGN_UP_CLOSED"));
  }

  const onRoute = (kind: "send" | "check") => (ctx: HookEndpointContext) => routeOf(ctx, routes)?.kind === kind;
  return {
    /** The fixed code of a review account asking for a sign-in code, else `undefined`. */
    fixedCode: (email: string, type: string) => (type === "sign-in" ? policy.reviewAccounts.get(email.trim().toLowerCase()) : undefined),
    isReviewAccount,
    inviteGate: {
      matcher: (ctx: HookEndpointContext) => (onRoute("send")(ctx) || onRoute("check")(ctx)) && inviteOf(asRecord(ctx.body)) !== undefined,
      handler: inviteGate,
    },
    admission: {
      matcher: (ctx: HookEndpointContext) =>
        policy.mode !== "open" && routeOf(ctx, routes)?.codePurpose === "sign-in" && onRoute("send")(ctx) && hasSignUpFields(fields, asRecord(ctx.body)),
      handler: admission,
    },
    beforeUserCreate,
  };
}
