import type { HookEndpointContext } from "@better-auth/core";
import { APIError, createAuthMiddleware } from "better-auth/api";
import type { SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { codeSubject, withAddress } from "./code-subject.js";
import type { PluginContext } from "./plugin-context.js";
import { routeOf } from "./route-gate.js";
import { isLive, latestCode } from "./stored-code.js";

/**
 * The failure budgets of the routes that check a code. Before the comparison, when there is a live
 * code to guess at, one failure is charged (a spent budget refuses even the right code, with
 * `Retry-After`); a right code refunds it and forgives earlier failures. The charge, the
 * comparison and the try it records are one transaction, so parallel guesses cannot overtake it.
 * With no code to guess at, nothing is charged: nobody can lock an address for free.
 */
export function failureBudget<Fields extends SignUpFieldsSchema>(plugin: PluginContext<Fields>) {
  const { allowedAttempts, routes } = plugin.options;
  const onCheckRoute = (ctx: HookEndpointContext) => routeOf(ctx, routes)?.kind === "check";
  const subjectOf = (ctx: HookEndpointContext) => codeSubject(ctx, routeOf(ctx, routes)!, plugin.state()!.ip);

  const charge = createAuthMiddleware(async (ctx) => {
    const subject = await subjectOf(ctx);
    if (!subject) return;
    if (isLive(await latestCode(ctx.context.adapter, subject.identifier), allowedAttempts)) {
      const refusal = await plugin.limits().chargeFailure(subject);
      if (refusal) throw refusal;
    }
    // The address as the code was stored under: trimmed and lower-cased.
    return { context: { body: withAddress(ctx, subject.email) } };
  });

  const forgive = createAuthMiddleware(async (ctx) => {
    const returned = ctx.context.returned;
    if (returned instanceof APIError || returned instanceof Error) return;
    if (returned instanceof Response && !returned.ok) return;
    const subject = await subjectOf(ctx);
    if (subject) await plugin.limits().forgiveFailures(subject);
  });

  return {
    before: { matcher: onCheckRoute, handler: charge },
    after: { matcher: onCheckRoute, handler: forgive },
  };
}
