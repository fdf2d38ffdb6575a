import type { HookEndpointContext } from "@better-auth/core";
import { createAuthMiddleware } from "better-auth/api";
import { asRecord, hasSignUpFields, parseSignUp, type SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { USERNAME_FIELD } from "../shared/user-fields.js";
import { codeSubject, withAddress } from "./code-subject.js";
import type { PluginContext } from "./plugin-context.js";
import { routeOf } from "./route-gate.js";
import { invalidSignUpParams, usernameTakenError } from "./sign-up-errors.js";
import type { OtpStore } from "./otp-storage.js";

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
 * 4. the wait since the mailbox's last code and its budget for this purpose are spent (aliases of
 *    one mailbox share them);
 * 5. earlier codes for this mailbox and purpose are deleted: only the new one can be used.
 * Parallel sends for one mailbox are serialised by Convex: one passes the wait, the others get 429.
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
    const waiting = await limits.spendMailbox(subject);
    if (waiting) throw waiting;
    await ctx.context.internalAdapter.deleteVerificationByIdentifier(subject.identifier);
    return { context: { body: withAddress(ctx, subject.email) } };
  });

  /**
   * When a send answered success but mailed nothing (Better Auth sends no code to an unknown
   * address for a password reset or verification, nor to a taken new address), a stand-in code
   * is kept that nobody received: later checks then count tries, charge failures and answer
   * exactly as they would for a registered address, and the send spent the same limits.
   */
  const standIn = createAuthMiddleware(async (ctx) => {
    const returned = ctx.context.returned;
    if (returned instanceof Error || plugin.state()?.mail) return;
    const route = routeOf(ctx, routes)!;
    const state = plugin.state();
    const subject = state && (await codeSubject(ctx, route, state.ip));
    if (!state || !subject) return;
    await ctx.context.internalAdapter.createVerificationValue({
      identifier: subject.identifier,
      value: `${await store.atRest(state.otp)}:0`,
      expiresAt: new Date(Date.now() + expiresIn * 1000),
    });
    await plugin.scheduleCodeCleanup(subject.identifier);
  });

  return {
    before: { matcher: onSendRoute, handler: spend },
    after: { matcher: onSendRoute, handler: standIn },
  };
}
