import type { GenericMutationCtx } from "convex/server";
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
  };
}

export type PluginContext<Fields extends SignUpFieldsSchema> = ReturnType<typeof pluginContext<Fields>>;
