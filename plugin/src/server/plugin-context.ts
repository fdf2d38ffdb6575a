import { makeFunctionReference, type GenericMutationCtx } from "convex/server";
import type { SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { requestLimits } from "./limits.js";
import type { ResolvedOptions } from "./options.js";
import { requestStateOf } from "./request-state.js";

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
    /** Schedules the deletion of the code kept under `identifier` once it has expired. */
    async scheduleCodeCleanup(identifier: string) {
      const self = requestStateOf(options.ctx)?.self;
      const { scheduler } = options.ctx as GenericMutationCtx<any>;
      if (!self || !scheduler) return;
      const expired = Date.now() + (options.expiresIn + 1) * 1000;
      await scheduler.runAt(expired, makeFunctionReference<"mutation">(self), { op: { kind: "expireCode", identifier } });
    },
  };
}

export type PluginContext<Fields extends SignUpFieldsSchema> = ReturnType<typeof pluginContext<Fields>>;
