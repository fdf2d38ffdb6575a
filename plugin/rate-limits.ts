import type { HookEndpointContext } from "@better-auth/core";
import { calculateRateLimit, RateLimiter, type RateLimitConfig } from "@convex-dev/rate-limiter";
import { APIError, createAuthMiddleware } from "better-auth/api";
import type { GenericActionCtx } from "convex/server";
import { clientIp } from "./client-ip.js";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES } from "./error-codes.js";
import type { OtpType } from "./mail.js";
import type { Budget, ResolvedRateLimits } from "./options.js";
import { compareWithLiveCode, otpIdentifier, type OtpStore } from "./otp-storage.js";
import { asRecord, emailSchema } from "./validation.js";

type Limit = { name: string; key: string; config: RateLimitConfig };

const tokenBucket = ({ max, window }: Budget): RateLimitConfig => ({
  kind: "token bucket",
  rate: max,
  period: window * 1000,
  capacity: max,
});

/** Routes that send a code, and the purpose of the code each sends. */
const SEND_ROUTES: Record<string, (body: Record<string, unknown>) => unknown> = {
  "/email-otp/send-verification-otp": (body) => body.type,
  "/email-otp/request-password-reset": () => "forget-password",
  "/forget-password/email-otp": () => "forget-password",
};

/** Routes that check a code, the purpose of that code, and whether a success uses the code up. */
type VerifyRoute = { type: (body: Record<string, unknown>) => unknown; consumes: boolean };
const VERIFY_ROUTES: Record<string, VerifyRoute> = {
  "/sign-in/email-otp": { type: () => "sign-in", consumes: true },
  "/email-otp/verify-email": { type: () => "email-verification", consumes: true },
  "/email-otp/reset-password": { type: () => "forget-password", consumes: true },
  "/email-otp/check-verification-otp": { type: (body) => body.type, consumes: false },
};

/** The routes whose limits this file keeps, so that Better Auth's own limiter can leave them alone. */
export const LIMITED_ROUTES = [...Object.keys(SEND_ROUTES), ...Object.keys(VERIFY_ROUTES)];

const OTP_TYPES = new Set<unknown>(["sign-in", "email-verification", "forget-password"]);
const isOtpType = (type: unknown): type is OtpType => OTP_TYPES.has(type);

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** An error that says when to try again: `Retry-After` (seconds) in the header and the body. */
function retryLater(code: "RATE_LIMITED" | "TOO_MANY_ATTEMPTS", retryAfterMs: number): APIError {
  const retryAfter = seconds(retryAfterMs);
  const { message } = OTP_ONBOARDING_ERROR_CODES[code];
  return new APIError(
    ERROR_STATUS[code],
    { code, message, retryAfter },
    { "Retry-After": String(retryAfter) },
  );
}

/** 429 `RATE_LIMITED`: too many codes asked for; `Retry-After` says when the next may be. */
export const rateLimitedError = (retryAfterMs: number) => retryLater("RATE_LIMITED", retryAfterMs);

/** 403 `TOO_MANY_ATTEMPTS`, with `Retry-After` until the failure window has passed. */
export const tooManyAttemptsError = (retryAfterMs: number) =>
  retryLater("TOO_MANY_ATTEMPTS", retryAfterMs);

let warnedNoIp = false;

/**
 * The send limits, the failed-verification budget, and the hooks that apply them. Counters live in
 * the rate limiter component; each check and each consumption is one Convex transaction.
 */
export function createOtpLimits(
  limits: ResolvedRateLimits,
  otpStore: OtpStore,
  allowedAttempts: number,
) {
  const rateLimiter = limits.component && new RateLimiter(limits.component);

  function convex() {
    const ctx = limits.ctx;
    if (!rateLimiter || !ctx || !("runMutation" in ctx)) {
      throw new Error(
        "convex-otp-onboarding: `rateLimits` needs `{ component: components.rateLimiter, ctx }`, " +
          "with the ctx that createAuth(ctx) receives in an HTTP action",
      );
    }
    return { rateLimiter, ctx: ctx as GenericActionCtx<any> };
  }

  const resend = (identifier: string): Limit => ({
    name: "otp-resend",
    key: identifier,
    config: { kind: "token bucket", rate: 1, period: limits.resendAfter * 1000, capacity: 1 },
  });
  const perEmail = (email: string): Limit => ({
    name: "otp-sends-per-email",
    key: email,
    config: tokenBucket(limits.sendsPerEmail),
  });
  const perIp = (ip: string): Limit => ({
    name: "otp-sends-per-ip",
    key: ip,
    config: tokenBucket(limits.sendsPerIp),
  });
  // `start` only seeds a key's first window, so each email's windows open at its first failure.
  const failureWindow = (name: string, { max, window }: Budget, email: string): Limit => ({
    name,
    key: email,
    config: {
      kind: "fixed window",
      rate: max,
      period: window * 1000,
      capacity: max,
      start: Date.now(),
    },
  });
  const failures = (email: string): Limit[] => [
    failureWindow("otp-failed-verifications", limits.failedVerificationsPerEmail, email),
    failureWindow("otp-consecutive-failures", limits.consecutiveFailuresPerEmail, email),
  ];

  const consume = ({ name, ...args }: Limit) => {
    const { rateLimiter, ctx } = convex();
    return rateLimiter.limit(ctx, name, args);
  };
  const reset = ({ name, key, config }: Limit) => {
    const { rateLimiter, ctx } = convex();
    return rateLimiter.reset(ctx, name, { key, config });
  };
  /** Whether `limit` has room for one more now, and whether it was ever used (without using it). */
  const peek = async (limit: Limit) => {
    const { rateLimiter, ctx } = convex();
    const stored = await rateLimiter.getValue(ctx, limit.name, limit);
    const now = calculateRateLimit(stored, limit.config, Date.now(), 1);
    // An unused key reads as full, at time 0.
    return { ok: now.value >= 0, retryAfter: now.retryAfter ?? 0, used: stored.ts > 0 };
  };

  // The failure windows a request found in use, so that a success resets only those.
  const usedFailureWindows = new WeakMap<object, Limit[]>();

  /**
   * Before a code is sent: the client IP's limit, the wait since the last code, then the email's
   * hourly budget, each consumed atomically. A refusal stops there, so a request refused for its
   * IP spends nothing of the email's budgets, and a double-click inside the wait does not count
   * towards the hourly budget. The previous code for the same email and purpose is then deleted:
   * the new one replaces it.
   */
  const beforeSend = createAuthMiddleware(async (ctx) => {
    const body = asRecord(ctx.body);
    const email = emailSchema.safeParse(body.email);
    const type = SEND_ROUTES[ctx.path]?.(body);
    // Bad input is refused by validation, before or after this hook, without spending anything.
    if (!email.success || !isOtpType(type)) return;

    const identifier = otpIdentifier(type, email.data);
    const ip = await clientIp(convex().ctx, ctx.request, ctx.context.options);
    if (!ip && !warnedNoIp) {
      warnedNoIp = true;
      console.warn(
        "[otp-onboarding] the client IP is unknown, so the per-IP send limit is skipped (see SECURITY.md)",
      );
    }
    for (const limit of [...(ip ? [perIp(ip)] : []), resend(identifier), perEmail(email.data)]) {
      const status = await consume(limit);
      if (!status.ok) throw rateLimitedError(status.retryAfter);
    }
    await ctx.context.internalAdapter.deleteVerificationByIdentifier(identifier);
  });

  /**
   * Before a code is checked: a spent budget refuses even the right code. A wrong guess at the live
   * code spends one failure, atomically, before Better Auth compares it, so that concurrent guesses
   * cannot all slip past the budget. Right codes never count.
   */
  const beforeVerify = createAuthMiddleware(async (ctx) => {
    const body = asRecord(ctx.body);
    const email = emailSchema.safeParse(body.email);
    const type = VERIFY_ROUTES[ctx.path]?.type(body);
    if (!email.success || !isOtpType(type) || typeof body.otp !== "string") return;

    const budgets = failures(email.data);
    const states = await Promise.all(budgets.map(peek));
    const spent = states.filter((state) => !state.ok);
    if (spent.length) throw tooManyAttemptsError(Math.max(...spent.map((s) => s.retryAfter)));
    usedFailureWindows.set(
      ctx.context,
      budgets.filter((_, i) => states[i].used),
    );
    const identifier = otpIdentifier(type, email.data);
    // Only a guess at a live code counts: without one nothing can be guessed, and counting it
    // would let anyone lock any address out without even asking for a code.
    const code = await compareWithLiveCode(ctx, otpStore, identifier, body.otp, allowedAttempts);
    if (code !== "wrong") return;
    for (const budget of budgets) {
      const status = await consume(budget);
      if (!status.ok) throw tooManyAttemptsError(status.retryAfter);
    }
  });

  /** After a code was used up successfully: the email's failures are forgiven, a new code may be sent at once. */
  const afterVerify = createAuthMiddleware(async (ctx) => {
    const route = VERIFY_ROUTES[ctx.path];
    const returned = ctx.context.returned;
    if (!route?.consumes || !returned || returned instanceof Error || returned instanceof Response)
      return;
    const email = emailSchema.safeParse(asRecord(ctx.body).email);
    const type = route.type(asRecord(ctx.body));
    if (!email.success || !isOtpType(type)) return;
    const forgiven = [
      resend(otpIdentifier(type, email.data)),
      ...(usedFailureWindows.get(ctx.context) ?? []),
    ];
    await Promise.all(forgiven.map(reset));
  });

  /** After a send that failed (the mail did not leave, so no code is waiting): another may follow at once. */
  const afterSend = createAuthMiddleware(async (ctx) => {
    if (!(ctx.context.returned instanceof APIError)) return;
    const body = asRecord(ctx.body);
    const email = emailSchema.safeParse(body.email);
    const type = SEND_ROUTES[ctx.path]?.(body);
    if (!email.success || !isOtpType(type)) return;
    await reset(resend(otpIdentifier(type, email.data)));
  });

  const on = (routes: object) => (ctx: HookEndpointContext) =>
    Object.hasOwn(routes, ctx.path ?? "");
  return {
    /** The plugin's before-hooks; they run after validation, so bad input spends nothing. */
    before: [
      { matcher: on(SEND_ROUTES), handler: beforeSend },
      { matcher: on(VERIFY_ROUTES), handler: beforeVerify },
    ],
    after: [
      { matcher: on(SEND_ROUTES), handler: afterSend },
      { matcher: on(VERIFY_ROUTES), handler: afterVerify },
    ],
    /** Lifts the resend wait for a code that was given back (its sign-up failed after it was used). */
    codeRestored: (identifier: string) => reset(resend(identifier)),
  };
}
