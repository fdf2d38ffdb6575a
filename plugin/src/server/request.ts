/**
 * One auth request as the plugin sees it: the state the auth mutation hands it (client IP, the
 * action's code and session token, the mail it owes, what its check found), the database as the
 * request reads it (its code row and the signing keys read once), and what every hook of the plugin
 * instance serving it shares (options, state, limits, the cleanup of its code).
 */
import type { DBAdapter, Where } from "@better-auth/core/db/adapter";
import type { Verification } from "better-auth";
import type { HookEndpointContext } from "@better-auth/core";
import { getSessionFromCtx } from "better-auth/api";
import { bearer } from "better-auth/plugins/bearer";
import { makeFunctionReference, type GenericMutationCtx } from "convex/server";
import type { GenericId } from "convex/values";
import type { OtpType } from "../mail/sender.js";
import type { SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { requestLimits, waitKey, type FailureCheck, type MailboxPurpose } from "./limits.js";
import type { ResolvedOptions } from "./options.js";

/** A scheduled function's id, as `ctx.scheduler` returns it. */
export type ScheduledJob = GenericId<"_scheduled_functions">;

/**
 * A code mail the request owes, sent by the HTTP action once the mutation has committed. If it
 * does not leave, the code stored in the form `code` (its keyed hash or ciphertext, never the
 * code) goes with its scheduled `cleanup`: no other code for the address is touched.
 */
export type MailDue = {
  to: string;
  type: OtpType;
  identifier: string;
  code: string;
  cleanup?: ScheduledJob;
  /** Mail this notice of the sign-up policy instead of the code (which nobody then receives). */
  notice?: "waitlisted" | "sign-up-closed";
};

/**
 * What one auth request carries into its mutation, and what it hands back to the HTTP action. It
 * lives on the mutation's ctx (see {@link withRequestState}), the one object every hook of the
 * request can reach.
 */
export type RequestState = {
  /** The client IP the HTTP action saw, as the per-IP limits key it; `null` when unknown. */
  ip: string | null;
  /** The code to store if the request sends one: made by the action, where randomness is real. */
  otp: string;
  /** The token of a session the request creates, made by the action for the same reason. */
  sessionToken: string;
  /** The name of this mutation, so that it can schedule its own cleanup of expired codes. */
  self: string;
  /** The form at rest of the last code the request stored. */
  storedCode?: string;
  /** Set when a code was stored and must be mailed. */
  mail?: MailDue;
  /** Set by a code check before the comparison: the code it found and the budgets it read. */
  checked?: { code: Verification; failures: FailureCheck };
  /**
   * Set when the request read the JWT signing keys and found none, even where Better Auth then
   * answers without a JWT: the auth mutation rolls the request back for the HTTP action to make one.
   */
  signingKeyMissing?: true;
  /** The invite the request carries, once the sign-up policy found it usable: redeemed at the insert. */
  invite?: string;
  /** What the sign-up policy mails instead of a code, when it does not admit the address. */
  notice?: MailDue["notice"];
  /** Set when a code was stored on purpose without a mail (a review account's fixed code). */
  silent?: boolean;
};

const STATE = Symbol.for("convex-otp-onboarding/request-state");

type WithState = { [STATE]?: RequestState };

/** The ctx to give `createAuth` for one request: the mutation's own ctx, carrying `state`. */
export function withRequestState<Ctx extends object>(ctx: Ctx, state: RequestState): Ctx {
  return Object.assign(Object.create(Object.getPrototypeOf(ctx)), ctx, { [STATE]: state });
}

/** The state of the request `ctx` serves, if it came through the plugin's auth mutation. */
export function requestStateOf(ctx: unknown): RequestState | undefined {
  return ctx !== null && typeof ctx === "object" ? (ctx as WithState)[STATE] : undefined;
}

/**
 * What every hook of one plugin instance shares: its resolved options, the state of the request it
 * serves, and that request's limits. One instance serves one request (`createAuth(ctx)` per request).
 */
export function pluginContext<Fields extends SignUpFieldsSchema>(options: ResolvedOptions<Fields>) {
  return {
    options,
    /** The request's state, present when the request came through the plugin's auth mutation. */
    state: () => requestStateOf(options.ctx),
    /** The request's limits, kept in the rate limiter component within the request's transaction. */
    limits: () => requestLimits(options.rateLimiter, options.ctx as GenericMutationCtx<any>, options.limits, options.allowedAttempts),
    /**
     * Schedules the deletion of the code kept under `identifier` once it has expired, with the wait
     * it started for `subject` if that is over by then; its job.
     */
    async scheduleCodeCleanup(identifier: string, subject: MailboxPurpose): Promise<ScheduledJob | undefined> {
      const self = requestStateOf(options.ctx)?.self;
      const { scheduler } = options.ctx as GenericMutationCtx<any>;
      if (!self || !scheduler) return undefined;
      const expired = Date.now() + (options.expiresIn + 1) * 1000;
      return await scheduler.runAt(expired, makeFunctionReference<"mutation">(self), { op: { kind: "expireCode", identifier, wait: waitKey(subject) } });
    },
  };
}

export type PluginContext<Fields extends SignUpFieldsSchema> = ReturnType<typeof pluginContext<Fields>>;

/**
 * Thrown when the request reads the JWT signing keys and there are none: Better Auth would create
 * one, which a mutation cannot (no real randomness). The request's state says so too (Better Auth
 * swallows errors where a JWT is optional): the auth mutation rolls back and tells the HTTP action,
 * which creates the key and runs the request again.
 */
export class SigningKeyMissing extends Error {
  constructor() {
    super("convex-otp-onboarding: the deployment has no JWT signing key yet");
    this.name = "SigningKeyMissing";
  }
}

/** The models whose reads a request keeps: its code rows and the signing keys. */
const KEPT_MODELS = new Set(["verification", "jwks"]);

// Key order does not change a query: the same query gives the same key.
const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : value !== null && typeof value === "object" && !(value instanceof Date)
      ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]))
      : value;

/** A read's key without its `limit`: reads that differ only in it return prefixes of one order. */
const queryKey = ({ limit: _limit, ...query }: { limit?: number | undefined }) => JSON.stringify(canonical(query));

/** The id a `where` names alone (`[{ field: "id", value }]`), if that is all it says. */
function idOnly(where: Where[]): unknown {
  const [only] = where;
  if (where.length !== 1 || !only || only.field !== "id" || (only.operator ?? "eq") !== "eq") return undefined;
  return only.value;
}

type Row = Record<string, unknown>;
/** The rows a read returned, and its limit (none: every row its query matches). */
type Read = { where: string; limit: number | undefined; rows: Row[] };

/**
 * Better Auth's database adapter as one auth request uses it (what the plugin's `init` hands Better
 * Auth). The request is one Convex transaction: nothing but the request itself can change what it
 * reads (a concurrent write to what it read makes Convex run it again), so a read of its code rows
 * or of the signing keys is kept and answers the same read again, or the same read with a smaller
 * limit, until the request writes that model. So the code row, which the plugin's check, Better
 * Auth's comparison and its consume each look up, is read once; a code consumed after it was read
 * is deleted without being found again (Better Auth's fallback would read it once more), and the
 * rows that consume then deletes by identifier are not looked for when the request read them all
 * and there are none; the signing keys are read once, and none at all stops the request
 * ({@link SigningKeyMissing}). Outside an auth request (no `state()`) it is Better Auth's adapter
 * unchanged.
 */
export function requestAdapter(adapter: DBAdapter, state: () => RequestState | undefined): DBAdapter {
  const reads = new Map<string, Map<string, Read>>();
  const keeps = (model: string) => KEPT_MODELS.has(model) && state() !== undefined;
  const readsOf = (model: string) => {
    if (!reads.has(model)) reads.set(model, new Map());
    return reads.get(model)!;
  };
  /** Runs a write, after forgetting what was read of its model. */
  const writing =
    <Args extends { model: string }, Result>(write: (args: Args) => Promise<Result>) =>
    (args: Args) => {
      reads.delete(args.model);
      return write(args);
    };
  /** What a read returns, if the request already read it (or all of it). */
  const known = (model: string, query: { limit?: number | undefined }) => {
    const read = reads.get(model)?.get(queryKey(query));
    if (!read || (read.limit !== undefined && (query.limit === undefined || query.limit > read.limit))) return undefined;
    return read.rows.slice(0, query.limit);
  };
  /** After `id` was deleted: complete reads lose its row, limited ones may now miss one and go. */
  const deleted = (model: string, id: unknown) => {
    for (const [key, read] of readsOf(model)) {
      if (read.limit === undefined) read.rows = read.rows.filter((row) => row["id"] !== id);
      else readsOf(model).delete(key);
    }
  };
  /** Whether the request read every row `where` matches, and there are none left. */
  const noneLeft = (model: string, where: Where[]) =>
    [...(reads.get(model)?.values() ?? [])].some(
      (read) => read.limit === undefined && read.where === JSON.stringify(canonical(where)) && read.rows.length === 0,
    );

  const view: DBAdapter = {
    ...adapter,
    // The request is already one transaction: Better Auth's transactions run in it, through this view.
    transaction: (run) => run(view),
    findMany: (async (args: Parameters<DBAdapter["findMany"]>[0]) => {
      if (!keeps(args.model)) return adapter.findMany(args);
      let rows = known(args.model, args);
      if (!rows) {
        rows = await adapter.findMany<Row>(args);
        readsOf(args.model).set(queryKey(args), {
          where: JSON.stringify(canonical(args.where ?? [])),
          limit: args.limit,
          rows: structuredClone(rows),
        });
      }
      if (args.model === "jwks" && rows.length === 0) {
        state()!.signingKeyMissing = true;
        throw new SigningKeyMissing();
      }
      return structuredClone(rows);
    }) as DBAdapter["findMany"],
    consumeOne: (async (args: Parameters<DBAdapter["consumeOne"]>[0]) => {
      const id = idOnly(args.where);
      const row = keeps(args.model) && id !== undefined
        ? [...(reads.get(args.model)?.values() ?? [])].flatMap((read) => read.rows).find((candidate) => candidate["id"] === id)
        : undefined;
      if (!row) return writing(adapter.consumeOne)(args);
      // Read in this transaction and not written since: it exists until this delete.
      await adapter.delete(args);
      deleted(args.model, id);
      return structuredClone(row);
    }) as DBAdapter["consumeOne"],
    deleteMany: async (args) => {
      if (keeps(args.model) && noneLeft(args.model, args.where)) return 0;
      return writing(adapter.deleteMany)(args);
    },
    create: writing(adapter.create) as DBAdapter["create"],
    update: writing(adapter.update) as DBAdapter["update"],
    updateMany: writing(adapter.updateMany),
    delete: writing(adapter.delete) as DBAdapter["delete"],
    incrementOne: writing(adapter.incrementOne) as DBAdapter["incrementOne"],
  };
  return view;
}

const bearerHook = bearer().hooks.before[0]!;

/**
 * The session of the request a before hook runs for, as its route will see it. Better Auth hands
 * every before hook the request's own headers, so a session sent as a bearer token (the convex
 * plugin's) or in the cross-domain `Better-Auth-Cookie` header is not there yet: they become the
 * session cookie here the way those plugins make it.
 */
export async function requestSession(ctx: HookEndpointContext) {
  const plugins = ctx.context.options.plugins ?? [];
  let headers = new Headers(ctx.headers ?? ctx.request?.headers);
  const crossDomainCookie = headers.get("better-auth-cookie");
  if (crossDomainCookie && !headers.get("authorization") && plugins.some((plugin) => plugin.id === "cross-domain")) {
    headers.append("cookie", crossDomainCookie);
  }
  if (headers.get("authorization") && plugins.some((plugin) => plugin.id === "bearer" || plugin.id === "convex")) {
    const bearerCtx = { ...ctx, headers, returnHeaders: false } as Parameters<typeof bearerHook.handler>[0];
    const result = (await bearerHook.handler(bearerCtx)) as { context?: { headers?: Headers } } | undefined;
    headers = result?.context?.headers ?? headers;
  }
  return await getSessionFromCtx({ ...ctx, headers } as Parameters<typeof getSessionFromCtx>[0]);
}
