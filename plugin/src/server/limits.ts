/**
 * The abuse limits: the mailbox they count by, the budgets kept in the rate limiter component, the
 * resend waits and failure marks kept in app tables, and the hooks that apply them (what a send
 * spends before its code is stored, what a check reads before the comparison and charges after it).
 */
import type { RateLimitConfig } from "@convex-dev/rate-limiter";
import type { ComponentApi } from "@convex-dev/rate-limiter/_generated/component.js";
import type { HookEndpointContext } from "@better-auth/core";
import { APIError, createAuthMiddleware } from "better-auth/api";
import {
  defineTable,
  type DataModelFromSchemaDefinition,
  type GenericMutationCtx,
  type SchemaDefinition,
} from "convex/server";
import { v, type GenericId } from "convex/values";
import type { OtpType } from "../mail/sender.js";
import { asRecord, hasSignUpFields, parseSignUp, type SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { USERNAME_FIELD } from "../shared/user-fields.js";
import { invalidSignUpParams, pluginError, usernameTakenError } from "./answers.js";
import { atRestOf, codeSubject, codesUnder, isLive, latestCode, triesOf, withAddress, type CodeReader, type OtpStore } from "./codes.js";
import type { Budget, ResolvedLimits } from "./options.js";
import type { PluginContext } from "./request.js";
import { routeOf } from "./routes.js";

/**
 * Providers known to deliver `first.last@` and `firstlast@` to the same mailbox, and the domain
 * each one's addresses are counted under.
 */
const DOT_BLIND_DOMAINS: Record<string, string> = {
  "gmail.com": "gmail.com",
  "googlemail.com": "gmail.com",
};

/**
 * The mailbox an address reaches, as the abuse limits count it: lower case, without a `+tag`, and
 * without dots for providers that ignore them (Gmail). `Ann.Lee+news@GoogleMail.com` and
 * `annlee@gmail.com` are one mailbox. Only limits use it; the user's own address is never rewritten.
 */
export function canonicalMailbox(email: string): string {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf("@");
  if (at < 1) return address;
  let local = address.slice(0, at);
  let domain = address.slice(at + 1);
  const plus = local.indexOf("+");
  if (plus > 0) local = local.slice(0, plus);
  const dotBlind = DOT_BLIND_DOMAINS[domain];
  if (dotBlind) {
    local = local.replace(/\./g, "");
    domain = dotBlind;
  }
  return `${local}@${domain}`;
}

/**
 * The resend wait of each mailbox and purpose: which code started it and until when. It is derived
 * from that code, so it ends by itself when the code is used, runs out of tries, expires or its mail
 * fails in a way that may pass (its row is deleted); a mail refused for good `held` it. Spread into
 * the app's schema with `onboardingTables`: the auth mutation reads and writes it directly, in the
 * request's transaction, with no call to a component.
 */
export const limitTables = {
  otpResendWaits: defineTable({
    /** `<purpose>:<canonical mailbox>`: every spelling of the mailbox shares one wait. */
    mailbox: v.string(),
    /** Where the code that started the wait is kept (the address as given), and its form at rest. */
    identifier: v.string(),
    code: v.string(),
    /** When the wait ends at the latest (ms since the epoch). */
    until: v.number(),
    /**
     * Whether the code's mail was refused for good: the wait holds without the code. Not optional:
     * an app type-checked with `exactOptionalPropertyTypes` could not take the table otherwise.
     */
    held: v.boolean(),
  }).index("by_mailbox", ["mailbox"]),
  /**
   * When a mailbox was last charged a failure. Its failure budgets (in the rate limiter component)
   * can hold failures only within their longest window after that: a check of a mailbox with no
   * failure since reads this row alone, not the budgets (two calls to the component fewer).
   */
  otpFailureMarks: defineTable({
    /** The canonical mailbox, as the failure budgets are keyed. */
    mailbox: v.string(),
    /** The last failure charged to it (ms since the epoch). */
    lastAt: v.number(),
  }).index("by_mailbox", ["mailbox"]),
};

type LimitDataModel = DataModelFromSchemaDefinition<SchemaDefinition<typeof limitTables, true>>;
type LimitDb = GenericMutationCtx<LimitDataModel>["db"];

/** Whose wait a code starts: a mailbox, for one purpose. */
export type MailboxPurpose = { email: string; purpose: OtpType };

/** The key of a mailbox's wait for one purpose: every spelling of the mailbox shares it. */
export const waitKey = ({ email, purpose }: MailboxPurpose) => `${purpose}:${canonicalMailbox(email)}`;

const waitUnder = (db: LimitDb, key: string) =>
  db.query("otpResendWaits").withIndex("by_mailbox", (q) => q.eq("mailbox", key)).unique();

/**
 * At a code's expiry, the wait under `key` goes if it is over: it can hold nothing any more, so
 * the table keeps only waits that may still refuse a send. A later code's wait that is still on stays.
 */
export async function dropEndedWait(ctx: GenericMutationCtx<any>, key: string) {
  const { db } = ctx as unknown as GenericMutationCtx<LimitDataModel>;
  const wait = await waitUnder(db, key);
  if (wait && wait.until <= Date.now()) await db.delete("otpResendWaits", wait._id);
}


/** One budget of one subject in the rate limiter component. */
export type Limit = { name: string; key: string; config: RateLimitConfig };

/**
 * What a check read of a mailbox's failure budgets before the comparison: the refusal if one is
 * spent, the budgets that hold earlier failures (what a right code forgives), and the mailbox's
 * failure mark if it has one (what a wrong code updates).
 */
export type FailureCheck = { refusal?: APIError; charged: Limit[]; mark?: GenericId<"otpFailureMarks"> };

const tokenBucket = ({ max, window }: Budget): RateLimitConfig => ({
  kind: "token bucket",
  rate: max,
  period: window * 1000,
  capacity: max,
});

// `start` only seeds a key's first window, so each key's window opens at its first failure.
const failureWindow = ({ max, window }: Budget): RateLimitConfig => ({
  kind: "fixed window",
  rate: max,
  period: window * 1000,
  capacity: max,
  start: Date.now(),
});

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** An error that says when to try again: `Retry-After` (seconds) in the header and the body. */
function retryLater(code: "RATE_LIMITED" | "TOO_MANY_ATTEMPTS", retryAfterMs: number): APIError {
  const retryAfter = seconds(retryAfterMs);
  return pluginError(code, { retryAfter }, { "Retry-After": String(retryAfter) });
}

/** Whose limits a request spends: the mailbox it names, for a purpose, from a client IP. */
export type LimitSubject = MailboxPurpose & { ip: string | null };

/**
 * The abuse limits of one request, kept in the rate limiter component. Every call is a nested
 * mutation of the request's own transaction: a refusal and what was spent before it commit
 * together, and parallel requests are serialised by Convex, so no limit can be raced.
 *
 * Keys are canonical mailboxes (`canonicalMailbox`), so `ann+1@`, `a.nn@gmail.com` and `Ann@` share
 * one budget; send limits are per purpose, so one purpose cannot spend another's.
 */
export function requestLimits(
  component: ComponentApi,
  ctx: GenericMutationCtx<any>,
  limits: ResolvedLimits,
  allowedAttempts: number,
) {
  const db = () => (ctx as unknown as GenericMutationCtx<LimitDataModel>).db;
  const waitOf = (subject: MailboxPurpose) => waitUnder(db(), waitKey(subject));
  /** The mailbox's wait, if the code kept under `identifier` (`code`: its form at rest) started it. */
  const waitStartedBy = async (subject: MailboxPurpose, identifier: string, code: string) => {
    const wait = await waitOf(subject);
    return wait && wait.identifier === identifier && wait.code === code ? wait : null;
  };
  const sendsPerEmail = (subject: LimitSubject): Limit => ({
    name: "otp-sends-per-email",
    key: waitKey(subject),
    config: tokenBucket(limits.sendsPerEmail),
  });
  // A client with no known IP never skips a per-IP budget: every such client shares a stricter one.
  const sendsFromIp = (ip: string | null): Limit =>
    ip
      ? { name: "otp-sends-per-ip", key: ip, config: tokenBucket(limits.sendsPerIp) }
      : { name: "otp-sends-from-unknown-ips", key: "unknown", config: tokenBucket(limits.sendsFromUnknownIps) };
  const failuresFromIp = ({ email, ip }: LimitSubject): Limit =>
    ip
      ? {
          name: "otp-failures-per-email-and-ip",
          key: `${canonicalMailbox(email)}|${ip}`,
          config: failureWindow(limits.failuresPerEmailAndIp),
        }
      : {
          name: "otp-failures-per-email-from-unknown-ips",
          key: canonicalMailbox(email),
          config: failureWindow(limits.failuresPerEmailFromUnknownIps),
        };
  // A budget can hold a failure for its window after it: the mark is read for the longest one.
  const failureMemory =
    1000 * Math.max(limits.failuresPerEmailAndIp.window, limits.failuresPerEmailFromUnknownIps.window, limits.failuresPerEmail.window);
  const markOf = ({ email }: LimitSubject) =>
    db().query("otpFailureMarks").withIndex("by_mailbox", (q) => q.eq("mailbox", canonicalMailbox(email))).unique();
  const failuresOfMailbox = ({ email }: LimitSubject): Limit => ({
    name: "otp-failures-per-email",
    key: canonicalMailbox(email),
    config: failureWindow(limits.failuresPerEmail),
  });

  // The component's own functions, called directly: the package's client module (its `RateLimiter`
  // class, every method of it) would join each request's bundle for four calls.
  const { lib } = component;
  const spend = ({ name, key, config }: Limit, count = 1) => ctx.runMutation(lib.rateLimit, { name, key, config, count });
  const reset = ({ name, key }: Limit) => ctx.runMutation(lib.resetRateLimit, { name, key });
  /** Spends one, or answers the refusal `refuse` makes of the wait. */
  const spendOrRefuse = async (limit: Limit, refuse: (retryAfterMs: number) => APIError) => {
    const status = await spend(limit);
    return status.ok ? undefined : refuse(status.retryAfter);
  };
  const rateLimited = (retryAfterMs: number) => retryLater("RATE_LIMITED", retryAfterMs);
  const tooManyAttempts = (retryAfterMs: number) => retryLater("TOO_MANY_ATTEMPTS", retryAfterMs);

  return {
    /**
     * The client IP's send budget (or the one all unknown IPs share), spent first: even a refused
     * or probing request pays it, and a send whose mail then failed keeps it spent.
     */
    spendIp: (ip: string | null) => spendOrRefuse(sendsFromIp(ip), rateLimited),

    /**
     * The wait since the mailbox's last code for this purpose (any spelling of the mailbox): it holds
     * for `resendAfter` while that code can still be used, or its mail was refused for good. So it
     * ends by itself once the code is used, out of tries, expired, or its mail failed in a way that
     * may pass (the code goes): nothing has to lift it. `codes` reads the code that started it.
     */
    async waitFor(subject: MailboxPurpose, codes: CodeReader): Promise<APIError | undefined> {
      const wait = await waitOf(subject);
      const left = wait ? wait.until - Date.now() : 0;
      if (!wait || left <= 0) return undefined;
      if (wait.held) return rateLimited(left);
      const code = await latestCode(codes, wait.identifier);
      const started = code !== null && atRestOf(code.value) === wait.code;
      return started && isLive(code, allowedAttempts) ? rateLimited(left) : undefined;
    },

    /** The mailbox's budget for this purpose: it stays spent whatever becomes of the mail. */
    spendMailbox: (subject: LimitSubject) => spendOrRefuse(sendsPerEmail(subject), rateLimited),

    /** Starts the mailbox's wait with the code just stored under `identifier` (`code`: its form at rest). */
    async startWait(subject: MailboxPurpose, identifier: string, code: string) {
      const wait = await waitOf(subject);
      const row = { mailbox: waitKey(subject), identifier, code, until: Date.now() + limits.resendAfter * 1000, held: false };
      if (wait) await db().replace("otpResendWaits", wait._id, row);
      else await db().insert("otpResendWaits", row);
    },

    /** A used code's wait is over: the row that names it goes, so the table keeps only live waits. */
    async endWait(subject: MailboxPurpose, identifier: string, code: string) {
      const wait = await waitStartedBy(subject, identifier, code);
      if (wait) await db().delete("otpResendWaits", wait._id);
    },

    /** Keeps the wait of a code whose mail was refused for good, though the code goes. */
    async holdWait(subject: MailboxPurpose, identifier: string, code: string) {
      const wait = await waitStartedBy(subject, identifier, code);
      if (wait) await db().patch("otpResendWaits", wait._id, { held: true });
    },

    /**
     * The failure budgets before a live code is compared: this IP's for the mailbox, then the
     * mailbox's ceiling. Only read: the comparison runs in the same transaction, so a failure is
     * charged after it ({@link chargeFailure}) and a right code has no charge to refund.
     *
     * Both are read, whatever the other holds: a right code forgives the budgets of the IP it came
     * from and the ceiling, never another IP's, so an IP's budget may hold failures while the
     * ceiling is clean (an attacker's, after the owner signed in). Neither is read when the
     * mailbox's failure mark says no failure was charged to it within the longest window: no budget
     * can hold one then. A parallel charge writes the mark (and the rows) read here, so Convex runs
     * this request again after it.
     */
    async checkFailures(subject: LimitSubject): Promise<FailureCheck> {
      const mark = await markOf(subject);
      if (!mark) return { charged: [] };
      if (mark.lastAt + failureMemory <= Date.now()) return { charged: [], mark: mark._id };
      const read = async (limit: Limit) => {
        const { ts } = await ctx.runQuery(lib.getValue, { name: limit.name, key: limit.key, config: limit.config });
        return { limit, ts };
      };
      const fromIp = await read(failuresFromIp(subject));
      const ceiling = await read(failuresOfMailbox(subject));
      const charged: Limit[] = [];
      let refusal: APIError | undefined;
      for (const { limit, ts } of [fromIp, ceiling]) {
        if (ts === 0) continue;
        charged.push(limit);
        // Whether one more failure fits, as the component itself reckons it (only once there are failures).
        const room = await ctx.runQuery(lib.checkRateLimit, { name: limit.name, key: limit.key, config: limit.config });
        if (!room.ok) refusal ??= tooManyAttempts(room.retryAfter);
      }
      return refusal ? { refusal, charged, mark: mark._id } : { charged, mark: mark._id };
    },

    /**
     * One failure, from this IP's budget for the mailbox and from the mailbox's ceiling, and on its
     * mark (the one `check` read before the comparison, in this transaction).
     */
    async chargeFailure(subject: LimitSubject, { mark }: FailureCheck) {
      await spend(failuresFromIp(subject));
      await spend(failuresOfMailbox(subject));
      const lastAt = Date.now();
      if (mark) await db().patch("otpFailureMarks", mark, { lastAt });
      else await db().insert("otpFailureMarks", { mailbox: canonicalMailbox(subject.email), lastAt });
    },

    /** After a right code: the earlier failures the check found are forgiven. */
    async forgiveFailures({ charged }: FailureCheck) {
      for (const limit of charged) await reset(limit);
    },
  };
}

export type RequestLimits = ReturnType<typeof requestLimits>;

/** Whether `username` belongs to a user other than `self`. */
export async function usernameTaken(ctx: Pick<HookEndpointContext, "context">, username: unknown, self?: string) {
  if (typeof username !== "string") return false;
  const owner = await ctx.context.adapter.findOne<{ id: string }>({
    model: "user",
    where: [{ field: USERNAME_FIELD, value: username }],
  });
  return owner !== null && owner.id !== self;
}

/**
 * Before a code is stored and mailed, in the request's transaction:
 * 1. the address (and sign-up fields sent early) must be valid: bad input spends nothing;
 * 2. the client IP's budget is spent, so that even a probe of a username pays for it;
 * 3. a taken username answers `USERNAME_TAKEN` (no code, no mail);
 * 4. the mailbox's wait since its last code for this purpose must be over, and its budget for this
 *    purpose is spent (aliases of one mailbox share them);
 * 5. earlier codes for this address and purpose are deleted: only the new one can be used.
 * After the code is stored, it starts the mailbox's wait. Parallel sends for one mailbox are
 * serialised by Convex: each reads the wait row the one before it wrote (and the code it names), so
 * one passes the wait and the others get 429.
 */
export function sendLimits<Fields extends SignUpFieldsSchema>(plugin: PluginContext<Fields>, store: OtpStore) {
  const { fields, expiresIn, routes } = plugin.options;
  const onSendRoute = (ctx: HookEndpointContext) => routeOf(ctx, routes)?.kind === "send";

  const spend = createAuthMiddleware(async (ctx) => {
    const route = routeOf(ctx, routes)!;
    const state = plugin.state()!;
    const body = asRecord(ctx.body);
    const withFields = route.signUpFields === true && hasSignUpFields(fields, body);
    const parsed = withFields ? parseSignUp(fields, body, { partial: true }) : undefined;
    if (parsed && !parsed.success) throw invalidSignUpParams(parsed.issues);
    const subject = await codeSubject(ctx, route, state.ip);
    if (!subject) return;

    const limits = plugin.limits();
    const refusal = await limits.spendIp(subject.ip);
    if (refusal) throw refusal;
    if (parsed?.success && (await usernameTaken(ctx, parsed.data[USERNAME_FIELD]))) throw usernameTakenError();
    // This address's earlier codes, read once: the latest tells the wait when it started it.
    const { adapter } = ctx.context;
    const earlier = await codesUnder(adapter, subject.identifier);
    // The request's adapter answers the wait's look-up of this address's code from the read above.
    const refused = (await limits.waitFor(subject, adapter)) ?? (await limits.spendMailbox(subject));
    if (refused) throw refused;
    for (const { id } of earlier) await adapter.delete({ model: "verification", where: [{ field: "id", value: id }] });
    return { context: { body: withAddress(ctx, subject.email) } };
  });

  /**
   * After a send that answered success, its code starts the mailbox's wait. When it mailed nothing
   * (Better Auth sends no code to an unknown address for a password reset or verification, nor to
   * a taken new address), a stand-in code is kept that nobody received: later checks then count
   * tries, charge failures and answer exactly as they would for a registered address, and the send
   * spent the same limits and started the same wait.
   */
  const afterSend = createAuthMiddleware(async (ctx) => {
    const state = plugin.state();
    if (ctx.context.returned instanceof Error || !state) return;
    // The mail it owes names its code and mailbox (no need to look for the session again).
    const { mail } = state;
    if (mail) return await plugin.limits().startWait({ email: mail.to, purpose: mail.type }, mail.identifier, mail.code);
    const subject = await codeSubject(ctx, routeOf(ctx, routes)!, state.ip);
    if (!subject) return;
    let code = state.silent ? state.storedCode : undefined;
    if (!code) {
      code = await store.atRest(state.otp);
      await ctx.context.internalAdapter.createVerificationValue({
        identifier: subject.identifier,
        value: `${code}:0`,
        expiresAt: new Date(Date.now() + expiresIn * 1000),
      });
      await plugin.scheduleCodeCleanup(subject.identifier, subject);
    }
    await plugin.limits().startWait(subject, subject.identifier, code);
  });

  return {
    before: { matcher: onSendRoute, handler: spend },
    after: { matcher: onSendRoute, handler: afterSend },
  };
}

/**
 * The failure budgets of the routes that check a code. Before the comparison, when there is a live
 * code to guess at, the budgets are read: a spent one refuses even the right code, with
 * `Retry-After`. After it, a code that was not accepted is charged one failure, and a wrong one
 * answers `INVALID_OTP` with the `triesLeft` of the code (0: only a new code helps); a right code
 * forgives the failures the budgets held. The read, the comparison, the try it records and the
 * charge are one serialisable transaction, so parallel guesses cannot overtake one another: each
 * reads what the one before it charged. With no code to guess at, nothing is read or charged:
 * nobody can lock an address for free.
 */
export function failureBudget<Fields extends SignUpFieldsSchema>(plugin: PluginContext<Fields>) {
  const { allowedAttempts, routes } = plugin.options;
  const onCheckRoute = (ctx: HookEndpointContext) => routeOf(ctx, routes)?.kind === "check";
  const subjectOf = (ctx: HookEndpointContext) => codeSubject(ctx, routeOf(ctx, routes)!, plugin.state()!.ip);

  const check = createAuthMiddleware(async (ctx) => {
    const subject = await subjectOf(ctx);
    if (!subject) return;
    // Read once: Better Auth's comparison and consume find this row again in the request's reads.
    const code = await latestCode(ctx.context.adapter, subject.identifier);
    if (code && isLive(code, allowedAttempts)) {
      const failures = await plugin.limits().checkFailures(subject);
      if (failures.refusal) throw failures.refusal;
      plugin.state()!.checked = { code, failures };
    }
    // The address as the code was stored under: trimmed and lower-cased.
    return { context: { body: withAddress(ctx, subject.email) } };
  });

  // After the comparison: a code not accepted is charged; a wrong one says how many tries it has
  // left; a right one forgives. (A code that can no longer be used ends the wait by itself.)
  const settle = createAuthMiddleware(async (ctx) => {
    const returned = ctx.context.returned;
    const subject = await subjectOf(ctx);
    if (!subject) return;
    const limits = plugin.limits();
    const checked = plugin.state()?.checked;
    if (returned instanceof Error || (returned instanceof Response && !returned.ok)) {
      if (checked) await limits.chargeFailure(subject, checked.failures);
      if (!(returned instanceof APIError) || returned.body?.code !== "INVALID_OTP") return;
      const stored = await latestCode(ctx.context.adapter, subject.identifier);
      if (!stored) return;
      const triesLeft = Math.max(0, allowedAttempts - triesOf(stored.value));
      throw new APIError(returned.status, { ...returned.body, triesLeft }, returned.headers);
    }
    if (!checked) return;
    await limits.forgiveFailures(checked.failures);
    if (routeOf(ctx, routes)?.consumes) await limits.endWait(subject, subject.identifier, atRestOf(checked.code.value));
  });

  return {
    before: { matcher: onCheckRoute, handler: check },
    after: { matcher: onCheckRoute, handler: settle },
  };
}
