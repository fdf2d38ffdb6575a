/**
 * Actions on an existing account: deleting it and changing its email need a session younger than
 * the fresh-session window, or a fresh code mailed to the account's current address (checked with
 * the same tries and failure budgets as any code, in the request's one transaction); resetting a
 * password never creates one.
 */
import type { AuthContext, HookEndpointContext } from "@better-auth/core";
import { createAuthEndpoint, createAuthMiddleware, sessionMiddleware } from "better-auth/api";
import { APIError } from "better-auth/api";
import * as z from "zod";
import { asRecord, type SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { pluginError } from "./answers.js";
import { atRestOf, codeIdentifier, latestCode, triesOf, type CodeSubject, type OtpStore } from "./codes.js";
import { requestSession, type PluginContext } from "./request.js";
import { FRESH_CODE_ACTIONS, type FreshCodeAction } from "./routes.js";
import type { FreshCodePurpose } from "../mail/sender.js";

/** The routes that need a fresh code, and the purpose of the code each takes in its `otp`. */
const GUARDED_ROUTES: Readonly<Record<string, FreshCodePurpose>> = {
  "/delete-user": "delete-account",
  "/email-otp/request-email-change": "confirm-email-change",
};

// Better Auth emailOTP's own codes and messages, so that a client handles every code alike.
const codeRefusal = (code: "INVALID_OTP" | "OTP_EXPIRED" | "TOO_MANY_ATTEMPTS", details: Record<string, unknown> = {}) => {
  const messages = { INVALID_OTP: "Invalid OTP", OTP_EXPIRED: "OTP expired", TOO_MANY_ATTEMPTS: "Too many attempts" };
  return new APIError(code === "TOO_MANY_ATTEMPTS" ? "FORBIDDEN" : "BAD_REQUEST", { code, message: messages[code], ...details });
};

/**
 * The fresh-code rules of one plugin instance: the route that mails a code to the current address,
 * and the hook that guards `/delete-user` and `/email-otp/request-email-change`.
 */
export function accountActions<Fields extends SignUpFieldsSchema>(plugin: PluginContext<Fields>, store: OtpStore) {
  const { allowedAttempts, expiresIn, freshSessionWindow } = plugin.options;

  /**
   * Checks a fresh code as emailOTP checks its codes: the failure budgets read before a live code is
   * compared, a wrong one charged and counted on the code (the answer, with `triesLeft`, commits), a
   * right one used up and earlier failures forgiven. Throws the refusal.
   */
  async function check(ctx: HookEndpointContext, subject: CodeSubject, otp: unknown) {
    const { adapter, internalAdapter } = ctx.context as unknown as Pick<AuthContext, "adapter" | "internalAdapter">;
    const limits = plugin.limits();
    const code = await latestCode(adapter, subject.identifier);
    if (!code || typeof otp !== "string") throw codeRefusal("INVALID_OTP");
    const tries = triesOf(code.value);
    if (new Date(code.expiresAt) < new Date() || tries >= allowedAttempts) {
      await internalAdapter.deleteVerificationByIdentifier(subject.identifier);
      throw codeRefusal(tries >= allowedAttempts ? "TOO_MANY_ATTEMPTS" : "OTP_EXPIRED");
    }
    const failures = await limits.checkFailures(subject);
    if (failures.refusal) throw failures.refusal;
    const stored = atRestOf(code.value);
    if (!(await store.matches(stored, otp))) {
      await limits.chargeFailure(subject, failures);
      await internalAdapter.updateVerificationByIdentifier(subject.identifier, { value: `${stored}:${tries + 1}` });
      const triesLeft = Math.max(0, allowedAttempts - tries - 1);
      throw codeRefusal("INVALID_OTP", { triesLeft });
    }
    await internalAdapter.deleteVerificationByIdentifier(subject.identifier);
    await limits.forgiveFailures(failures);
    await limits.endWait(subject, subject.identifier, stored);
  }

  /**
   * Before `/delete-user` and `/email-otp/request-email-change`: a session younger than the window
   * goes on; an older one needs its `otp`, else 403 `FRESH_CODE_REQUIRED` and nothing is done.
   */
  const guard = createAuthMiddleware(async (ctx) => {
    const purpose = GUARDED_ROUTES[ctx.path ?? ""]!;
    const session = await requestSession(ctx);
    // Without a session the route itself answers 401.
    if (!session) return;
    const { otp, ...rest } = asRecord(ctx.body);
    if (otp === undefined) {
      const age = Date.now() - new Date(session.session.createdAt).getTime();
      if (freshSessionWindow > 0 && age < freshSessionWindow * 1000) return;
      throw pluginError("FRESH_CODE_REQUIRED");
    }
    const email = session.user.email.toLowerCase();
    const ip = plugin.state()?.ip ?? null;
    await check(ctx, { email, purpose, ip, identifier: codeIdentifier(purpose, email) }, otp);
    // The code is spent: the route goes on without it (emailOTP would take it for its own check).
    return { context: { body: rest } };
  });

  /**
   * POST `/email-otp/request-fresh-code`: mails a code for `action` (`delete-account` or
   * `change-email`) to the signed-in account's current address. The send hooks keep its limits
   * and delete its earlier code, as for every code; the mail leaves once the request has committed.
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
      const code = await store.atRest(state.otp);
      await ctx.context.internalAdapter.createVerificationValue({
        identifier,
        value: `${code}:0`,
        expiresAt: new Date(Date.now() + expiresIn * 1000),
      });
      const cleanup = await plugin.scheduleCodeCleanup(identifier, { email, purpose: type });
      state.mail = { to: email, type, identifier, code, ...(cleanup ? { cleanup } : {}) };
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
    throw pluginError("NO_PASSWORD_SIGN_IN");
  }
}
