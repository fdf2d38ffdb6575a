/**
 * One auth request as the plugin sees it: the state the auth mutation hands it (client IP, the
 * action's code and session token, the mail it owes), and what every hook of the plugin instance
 * serving it shares (options, state, limits, the cleanup of its code).
 */
import { makeFunctionReference, type GenericMutationCtx } from "convex/server";
import type { GenericId } from "convex/values";
import type { OtpType } from "../mail/sender.js";
import type { SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { requestLimits } from "./limits.js";
import type { ResolvedOptions } from "./options.js";

/** A scheduled function's id, as `ctx.scheduler` returns it. */
export type ScheduledJob = GenericId<"_scheduled_functions">;

/**
 * A code mail the request owes, sent by the HTTP action once the mutation has committed. If it
 * does not leave, the code stored in the form `code` (its keyed hash or ciphertext, never the
 * code) goes with its scheduled `cleanup`: no other code for the address is touched.
 */
export type MailDue = { to: string; type: OtpType; identifier: string; code: string; cleanup?: ScheduledJob };

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
    limits: () => requestLimits(options.rateLimiter, options.ctx as GenericMutationCtx<any>, options.limits),
    /** Schedules the deletion of the code kept under `identifier` once it has expired; its job. */
    async scheduleCodeCleanup(identifier: string): Promise<ScheduledJob | undefined> {
      const self = requestStateOf(options.ctx)?.self;
      const { scheduler } = options.ctx as GenericMutationCtx<any>;
      if (!self || !scheduler) return undefined;
      const expired = Date.now() + (options.expiresIn + 1) * 1000;
      return await scheduler.runAt(expired, makeFunctionReference<"mutation">(self), { op: { kind: "expireCode", identifier } });
    },
  };
}

export type PluginContext<Fields extends SignUpFieldsSchema> = ReturnType<typeof pluginContext<Fields>>;
