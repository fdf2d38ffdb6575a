/**
 * Fresh codes: deleting the account and changing its email need a session younger than the
 * window, or a code mailed to the account's current address, checked with the same tries and
 * failure budgets as any code, in the request's one transaction.
 */
import type { HookEndpointContext } from "@better-auth/core";
import type { AuthContext } from "@better-auth/core";
import { APIError, createAuthEndpoint, createAuthMiddleware, getSessionFromCtx, sessionMiddleware } from "better-auth/api";
import { bearer } from "better-auth/plugins/bearer";
import * as z from "zod";
import type { FreshCodePurpose } from "../mail/sender.js";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";
import { asRecord, type SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import type { LimitSubject } from "./limits.js";
import type { OtpStore } from "./otp-storage.js";
import type { PluginContext } from "./plugin-context.js";
import { codeIdentifier, latestCode, triesOf } from "./stored-code.js";

const bearerHook = bearer().hooks.before[0]!;

/**
 * The session of the request a before hook runs for, as its route will see it. Better Auth hands
 * every before hook the request's own headers, so a session sent as a bearer token (the convex
 * plugin's) or in the cross-domain `Better-Auth-Cookie` header is not there yet: they are turned
 * into the cookie here the way those plugins do it.
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

/** The actions a fresh code confirms, as a request names them, and the purpose of each one's code. */
export const FRESH_CODE_ACTIONS = {
  "delete-account": "delete-account",
  "change-email": "confirm-email-change",
} as const satisfies Record<string, FreshCodePurpose>;
export type FreshCodeAction = keyof typeof FRESH_CODE_ACTIONS;

/** The routes that need a fresh code, and the purpose of the code each takes in its `otp`. */
const GUARDED_ROUTES: Readonly<Record<string, FreshCodePurpose>> = {
  "/delete-user": "delete-account",
  "/email-otp/request-email-change": "confirm-email-change",
};

/** Whether a purpose's code goes to the signed-in account's own address (not to one in the body). */
export const isFreshCodePurpose = (purpose: string): purpose is FreshCodePurpose =>
  Object.values(FRESH_CODE_ACTIONS).includes(purpose as FreshCodePurpose);

const refusal = (code: "INVALID_OTP" | "OTP_EXPIRED" | "TOO_MANY_ATTEMPTS", extra: Record<string, unknown> = {}) => {
  const messages = { INVALID_OTP: "Invalid OTP", OTP_EXPIRED: "OTP expired", TOO_MANY_ATTEMPTS: "Too many attempts" };
  return new APIError(code === "TOO_MANY_ATTEMPTS" ? "FORBIDDEN" : "BAD_REQUEST", { code, message: messages[code], ...extra });
};

/**
 * The fresh-code rules of one plugin instance: the route that mails a code to the current address,
 * and the hook that guards `/delete-user` and `/email-otp/request-email-change`.
 */
export function freshCode<Fields extends SignUpFieldsSchema>(plugin: PluginContext<Fields>, store: OtpStore) {
  const { allowedAttempts, expiresIn, freshSessionWindow } = plugin.options;

  /**
   * Checks a fresh code for the signed-in account, like emailOTP checks its codes: one failure
   * charged before a live code is compared, a wrong one counted on the code (`triesLeft` in the
   * answer, which commits), a right one used up and forgiven. Throws the refusal.
   */
  async function check(ctx: HookEndpointContext, subject: LimitSubject & { identifier: string }, otp: unknown) {
    const { adapter, internalAdapter } = ctx.context as unknown as Pick<AuthContext, "adapter" | "internalAdapter">;
    const limits = plugin.limits();
    const code = await latestCode(adapter, subject.identifier);
    if (!code || typeof otp !== "string") throw refusal("INVALID_OTP");
    const tries = triesOf(code.value);
    if (new Date(code.expiresAt) < new Date() || tries >= allowedAttempts) {
      await internalAdapter.deleteVerificationByIdentifier(subject.identifier);
      await limits.liftWait(subject);
      throw refusal(tries >= allowedAttempts ? "TOO_MANY_ATTEMPTS" : "OTP_EXPIRED");
    }
    const spent = await limits.chargeFailure(subject);
    if (spent) throw spent;
    const stored = code.value.slice(0, code.value.lastIndexOf(":"));
    if (!(await store.matches(stored, otp))) {
      await internalAdapter.updateVerificationByIdentifier(subject.identifier, { value: `${stored}:${tries + 1}` });
      const triesLeft = Math.max(0, allowedAttempts - tries - 1);
      if (triesLeft === 0) await limits.liftWait(subject);
      throw refusal("INVALID_OTP", { triesLeft });
    }
    await internalAdapter.deleteVerificationByIdentifier(subject.identifier);
    await limits.forgiveFailures(subject);
    await limits.liftWait(subject);
  }

  const guard = createAuthMiddleware(async (ctx) => {
    const purpose = GUARDED_ROUTES[ctx.path ?? ""]!;
    const session = await requestSession(ctx);
    // Without a session the route itself answers 401.
    if (!session) return;
    const { otp, ...rest } = asRecord(ctx.body);
    if (otp === undefined) {
      const age = Date.now() - new Date(session.session.createdAt).getTime();
      if (freshSessionWindow > 0 && age < freshSessionWindow * 1000) return;
      throw APIError.from(ERROR_STATUS.FRESH_CODE_REQUIRED, OTP_ONBOARDING_ERROR_CODES.FRESH_CODE_REQUIRED);
    }
    const email = session.user.email.toLowerCase();
    const ip = plugin.state()?.ip ?? null;
    await check(ctx, { email, purpose, ip, identifier: codeIdentifier(purpose, email) }, otp);
    // The code is spent: the route goes on without it (emailOTP would take it for its own check).
    return { context: { body: rest } };
  });

  /**
   * POST `/email-otp/request-fresh-code`: mails a code for `action` to the signed-in account's
   * current address. The send limits, the wait and the earlier code's deletion are the send
   * hooks' (as for every code); the mail leaves once the request's transaction has committed.
   */
  const requestFreshCode = createAuthEndpoint(
    "/email-otp/request-fresh-code",
    {
      method: "POST",
      body: z.object({ action: z.enum(Object.keys(FRESH_CODE_ACTIONS) as [FreshCodeAction, ...FreshCodeAction[]]) }),
      use: [sessionMiddleware],
    },
    async (ctx) => {
      const state = plugin.state();
      if (!state) throw new Error("convex-otp-onboarding: a fresh code was sent outside the auth mutation");
      const email = ctx.context.session.user.email.toLowerCase();
      const type = FRESH_CODE_ACTIONS[ctx.body.action];
      const identifier = codeIdentifier(type, email);
      await ctx.context.internalAdapter.createVerificationValue({
        identifier,
        value: `${await store.atRest(state.otp)}:0`,
        expiresAt: new Date(Date.now() + expiresIn * 1000),
      });
      state.mail = { to: email, type, identifier };
      await plugin.scheduleCodeCleanup(identifier);
      return ctx.json({ success: true });
    },
  );

  return {
    endpoints: { requestFreshCode },
    before: { matcher: (ctx: HookEndpointContext) => Object.hasOwn(GUARDED_ROUTES, ctx.path ?? ""), handler: guard },
  };
}

/**
 * Better Auth's `account.create.before` hook: `/email-otp/reset-password` may change an existing
 * password, never create one. An account that signs in by code only answers 400
 * `NO_PASSWORD_SIGN_IN`, after its right code (so the answer tells only the mailbox's owner).
 */
export async function passwordlessResetRule(account: { providerId?: string }, context?: { path?: string } | null) {
  if (account.providerId === "credential" && context?.path === "/email-otp/reset-password") {
    throw APIError.from(ERROR_STATUS.NO_PASSWORD_SIGN_IN, OTP_ONBOARDING_ERROR_CODES.NO_PASSWORD_SIGN_IN);
  }
}
