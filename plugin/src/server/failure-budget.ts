import type { HookEndpointContext } from "@better-auth/core";
import { APIError, createAuthMiddleware } from "better-auth/api";
import type { SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { codeSubject, withAddress } from "./code-subject.js";
import type { PluginContext } from "./plugin-context.js";
import { routeOf } from "./route-gate.js";
import { isLive, latestCode, triesOf } from "./stored-code.js";

/**
 * The failure budgets of the routes that check a code. Before the comparison, when there is a live
 * code to guess at, one failure is charged (a spent budget refuses even the right code, with
 * `Retry-After`); a right code refunds it and forgives earlier failures, a wrong one answers
 * `INVALID_OTP` with the `triesLeft` of the code (0: only a new code helps). The charge, the
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

  // After the comparison: a right code forgives; a wrong one says how many tries the code has left;
  // a code that can no longer be used lifts the wait for a new one.
  const settle = createAuthMiddleware(async (ctx) => {
    const returned = ctx.context.returned;
    const subject = await subjectOf(ctx);
    if (!subject) return;
    const limits = plugin.limits();
    if (returned instanceof APIError) {
      const code = returned.body?.code;
      if (code === "OTP_EXPIRED" || code === "TOO_MANY_ATTEMPTS") await limits.liftWait(subject);
      if (code !== "INVALID_OTP") return;
      const stored = await latestCode(ctx.context.adapter, subject.identifier);
      if (!stored) return;
      const triesLeft = Math.max(0, allowedAttempts - triesOf(stored.value));
      if (triesLeft === 0) await limits.liftWait(subject);
      throw new APIError(returned.status, { ...returned.body, triesLeft }, returned.headers);
    }
    if (returned instanceof Error || (returned instanceof Response && !returned.ok)) return;
    await limits.forgiveFailures(subject);
    if (routeOf(ctx, routes)?.consumes) await limits.liftWait(subject);
  });

  return {
    before: { matcher: onCheckRoute, handler: charge },
    after: { matcher: onCheckRoute, handler: settle },
  };
}
