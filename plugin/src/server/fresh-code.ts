/**
 * Fresh codes: deleting the account and changing its email need a session younger than the
 * window, or a code mailed to the account's current address, checked with the same tries and
 * failure budgets as any code, in the request's one transaction.
 */
import type { HookEndpointContext } from "@better-auth/core";
import type { AuthContext } from "@better-auth/core";
import { APIError, createAuthEndpoint, createAuthMiddleware, getSessionFromCtx, sessionMiddleware } from "better-auth/api";
import { constantTimeEqual } from "better-auth/crypto";
import * as z from "zod";
import type { FreshCodePurpose } from "../mail/sender.js";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";
import { asRecord, type SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import type { LimitSubject } from "./limits.js";
import type { OtpStore } from "./otp-storage.js";
import type { PluginContext } from "./plugin-context.js";
import { codeIdentifier, latestCode, triesOf } from "./stored-code.js";

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

/** Whether `given` is the code kept at rest as `stored`, compared in constant time. */
async function matches(store: OtpStore, stored: string, given: string) {
  const { storeOTP } = store;
  if ("hash" in storeOTP) return constantTimeEqual(await storeOTP.hash(given), stored);
  return constantTimeEqual(await storeOTP.decrypt(stored), given);
}

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
    if (!(await matches(store, stored, otp))) {
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
    const session = await getSessionFromCtx(ctx);
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
