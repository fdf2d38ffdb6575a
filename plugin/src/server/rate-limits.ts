import type { HookEndpointContext } from "@better-auth/core";
import { calculateRateLimit, RateLimiter, type RateLimitConfig } from "@convex-dev/rate-limiter";
import { APIError, createAuthMiddleware } from "better-auth/api";
import type { GenericActionCtx } from "convex/server";
import { clientIp } from "./client-ip.js";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";
import type { OtpType } from "../mail/sender.js";
import type { Budget, ResolvedRateLimits } from "./options.js";
import { hasLiveCode, otpIdentifier } from "./otp-storage.js";
import { asRecord, emailSchema } from "../shared/sign-up-schema.js";

type Limit = { name: string; key: string; config: RateLimitConfig };

const tokenBucket = ({ max, window }: Budget): RateLimitConfig => ({
  kind: "token bucket",
  rate: max,
  period: window * 1000,
  capacity: max,
});

/** Routes that send a code, and the purpose of the code each sends. */
const SEND_ROUTES: Record<string, (body: Record<string, unknown>) => unknown> = {
  "/email-otp/send-verification-otp": (body) => body["type"],
  "/email-otp/request-password-reset": () => "forget-password",
  "/forget-password/email-otp": () => "forget-password",
};

/** Routes that check a code, the purpose of that code, and whether a success uses the code up. */
type VerifyRoute = { type: (body: Record<string, unknown>) => unknown; consumes: boolean };
const VERIFY_ROUTES: Record<string, VerifyRoute> = {
  "/sign-in/email-otp": { type: () => "sign-in", consumes: true },
  "/email-otp/verify-email": { type: () => "email-verification", consumes: true },
  "/email-otp/reset-password": { type: () => "forget-password", consumes: true },
  "/email-otp/check-verification-otp": { type: (body) => body["type"], consumes: false },
};

/** The routes whose limits this file keeps, so that Better Auth's own limiter can leave them alone. */
export const LIMITED_ROUTES = [...Object.keys(SEND_ROUTES), ...Object.keys(VERIFY_ROUTES)];

const OTP_TYPES = new Set<unknown>(["sign-in", "email-verification", "forget-password"]);
const isOtpType = (type: unknown): type is OtpType => OTP_TYPES.has(type);

/** The email behind a code's identifier (`otpIdentifier`), for the purposes limited here. */
function emailOf(identifier: string): string | undefined {
  const [, type, email] = /^(.+?)-otp-(.+)$/.exec(identifier) ?? [];
  return isOtpType(type) ? email : undefined;
}

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
 * the rate limiter component; each check and each consumption is one Convex transaction, so they
 * are spent where they are needed: a sign-up with the right code pays two on send and one on sign-in.
 */
export function createOtpLimits(limits: ResolvedRateLimits, allowedAttempts: number) {
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
  // Both windows are spent together, the hourly one first, and forgiven together, the hourly one
  // last: so while the hourly window is unused the daily one is too, and one read tells both.
  const failures = (email: string) => ({
    hourly: failureWindow("otp-failed-verifications", limits.failedVerificationsPerEmail, email),
    daily: failureWindow("otp-consecutive-failures", limits.consecutiveFailuresPerEmail, email),
  });

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
  const spendOrRefuse = async (limit: Limit, refusal: (retryAfterMs: number) => APIError) => {
    const status = await consume(limit);
    if (!status.ok) throw refusal(status.retryAfter);
  };

  // The failure windows a request found in use, so that a success resets only those.
  const usedFailureWindows = new WeakMap<object, Limit[]>();

  /**
   * Before a code is sent: the client IP's limit, the wait since the last code, then the email's
   * hourly budget, each consumed atomically. A refusal stops there, so a request refused for its
   * IP spends nothing of the email's budgets, and a double-click inside the wait does not count
   * towards the hourly budget. The wait holds only while the previous code is unused; that is read
   * when the wait refuses, rather than the wait lifted after every sign-in, so that only someone
   * asking again this soon pays for it.
   */
  const beforeSend = createAuthMiddleware(async (ctx) => {
    const body = asRecord(ctx.body);
    const email = emailSchema.safeParse(body["email"]);
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
    if (ip) await spendOrRefuse(perIp(ip), rateLimitedError);
    const wait = await consume(resend(identifier));
    if (!wait.ok) {
      if (await hasLiveCode(ctx.context.adapter, identifier, allowedAttempts)) {
        throw rateLimitedError(wait.retryAfter);
      }
      // The previous code was used, expired, ran out of tries or never left: the wait starts anew.
      await reset(resend(identifier));
      await consume(resend(identifier));
    }
    await spendOrRefuse(perEmail(email.data), rateLimitedError);
  });

  /** Before a code is checked: a spent failure budget refuses even the right code. */
  const beforeVerify = createAuthMiddleware(async (ctx) => {
    const body = asRecord(ctx.body);
    const email = emailSchema.safeParse(body["email"]);
    const type = VERIFY_ROUTES[ctx.path]?.type(body);
    if (!email.success || !isOtpType(type) || typeof body["otp"] !== "string") return;

    const { hourly, daily } = failures(email.data);
    const hourlyState = await peek(hourly);
    const states = hourlyState.used ? [hourlyState, await peek(daily)] : [hourlyState];
    const spent = states.filter((state) => !state.ok);
    if (spent.length) throw tooManyAttemptsError(Math.max(...spent.map((s) => s.retryAfter)));
    usedFailureWindows.set(ctx.context, hourlyState.used ? [daily, hourly] : []);
  });

  /**
   * A wrong try at a live code, recorded by Better Auth (see `watchWrongGuesses`): it spends one
   * failure from each window. The try that finds a window spent (concurrent guesses) is refused.
   */
  async function wrongGuess(identifier: string) {
    const email = emailOf(identifier);
    if (!email) return;
    const { hourly, daily } = failures(email);
    await spendOrRefuse(hourly, tooManyAttemptsError);
    await spendOrRefuse(daily, tooManyAttemptsError);
  }

  /** After a code was used up successfully: the email's failures are forgiven. */
  const afterVerify = createAuthMiddleware(async (ctx) => {
    const route = VERIFY_ROUTES[ctx.path];
    const returned = ctx.context.returned;
    if (!route?.consumes || !returned || returned instanceof Error || returned instanceof Response)
      return;
    for (const window of usedFailureWindows.get(ctx.context) ?? []) await reset(window);
  });

  const on = (routes: object) => (ctx: HookEndpointContext) =>
    Object.hasOwn(routes, ctx.path ?? "");
  return {
    /**
     * Before a code is checked, ahead of validation: a spent failure budget must refuse the request
     * before the sign-up checks could tell a right code from a wrong one. It only reads.
     */
    beforeVerify: { matcher: on(VERIFY_ROUTES), handler: beforeVerify },
    /** Before a code is sent, after validation: bad input spends nothing. */
    beforeSend: { matcher: on(SEND_ROUTES), handler: beforeSend },
    after: [{ matcher: on(VERIFY_ROUTES), handler: afterVerify }],
    wrongGuess,
    /** Lifts the resend wait for a code that was given back (its sign-up failed after it was used). */
    codeRestored: (identifier: string) => reset(resend(identifier)),
  };
}
