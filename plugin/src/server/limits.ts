import { RateLimiter, type RateLimitConfig } from "@convex-dev/rate-limiter";
import type { ComponentApi } from "@convex-dev/rate-limiter/_generated/component.js";
import { APIError } from "better-auth/api";
import type { GenericMutationCtx } from "convex/server";
import type { OtpType } from "../mail/sender.js";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";
import { canonicalMailbox } from "./canonical-mailbox.js";
import type { Budget, ResolvedLimits } from "./options.js";

type Limit = { name: string; key: string; config: RateLimitConfig };

const tokenBucket = ({ max, window }: Budget): RateLimitConfig => ({
  kind: "token bucket",
  rate: max,
  period: window * 1000,
  capacity: max,
});

// `start` only seeds a key's first window, so each key's window opens at its first failure.
const failureWindow = ({ max, window }: Budget): RateLimitConfig => ({
  kind: "fixed window",
  rate: max,
  period: window * 1000,
  capacity: max,
  start: Date.now(),
});

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** An error that says when to try again: `Retry-After` (seconds) in the header and the body. */
function retryLater(code: "RATE_LIMITED" | "TOO_MANY_ATTEMPTS", retryAfterMs: number): APIError {
  const retryAfter = seconds(retryAfterMs);
  const { message } = OTP_ONBOARDING_ERROR_CODES[code];
  return new APIError(ERROR_STATUS[code], { code, message, retryAfter }, { "Retry-After": String(retryAfter) });
}

/** Whose limits a request spends: the mailbox it names, for a purpose, from a client IP. */
export type LimitSubject = { email: string; purpose: OtpType; ip: string | null };

/**
 * The abuse limits of one request, kept in the rate limiter component. Every call is a nested
 * mutation of the request's own transaction: a refusal and what was spent before it commit
 * together, and parallel requests are serialised by Convex, so no limit can be raced.
 *
 * Keys are canonical mailboxes (`canonicalMailbox`), so `ann+1@`, `a.nn@gmail.com` and `Ann@` share
 * one budget; send limits are per purpose, so one purpose cannot spend another's.
 */
export function requestLimits(
  component: ComponentApi,
  ctx: GenericMutationCtx<any>,
  limits: ResolvedLimits,
) {
  const rateLimiter = new RateLimiter(component);
  const mailbox = ({ email, purpose }: LimitSubject) => `${purpose}:${canonicalMailbox(email)}`;
  const ipKey = (ip: string | null) => ip ?? "unknown";

  const resendWait = (subject: LimitSubject): Limit => ({
    name: "otp-resend",
    key: mailbox(subject),
    config: { kind: "token bucket", rate: 1, period: limits.resendAfter * 1000, capacity: 1 },
  });
  const sendsPerEmail = (subject: LimitSubject): Limit => ({
    name: "otp-sends-per-email",
    key: mailbox(subject),
    config: tokenBucket(limits.sendsPerEmail),
  });
  const sendsPerIp = (ip: string): Limit => ({
    name: "otp-sends-per-ip",
    key: ip,
    config: tokenBucket(limits.sendsPerIp),
  });
  const failuresFromIp = ({ email, ip }: LimitSubject): Limit => ({
    name: "otp-failures-per-email-and-ip",
    key: `${canonicalMailbox(email)}|${ipKey(ip)}`,
    config: failureWindow(limits.failuresPerEmailAndIp),
  });
  const failuresOfMailbox = ({ email }: LimitSubject): Limit => ({
    name: "otp-failures-per-email",
    key: canonicalMailbox(email),
    config: failureWindow(limits.failuresPerEmail),
  });

  const spend = ({ name, key, config }: Limit, count = 1) =>
    rateLimiter.limit(ctx, name, { key, config, count });
  const reset = ({ name, key }: Limit) => rateLimiter.reset(ctx, name, { key });
  /** Spends one, or answers the refusal `refuse` makes of the wait. */
  const spendOrRefuse = async (limit: Limit, refuse: (retryAfterMs: number) => APIError) => {
    const status = await spend(limit);
    return status.ok ? undefined : refuse(status.retryAfter);
  };
  const rateLimited = (retryAfterMs: number) => retryLater("RATE_LIMITED", retryAfterMs);
  const tooManyAttempts = (retryAfterMs: number) => retryLater("TOO_MANY_ATTEMPTS", retryAfterMs);

  return {
    /** The client IP's send budget, spent first: even a refused or probing request pays it. */
    spendIp: async (ip: string | null) => (ip ? await spendOrRefuse(sendsPerIp(ip), rateLimited) : undefined),

    /**
     * The wait since the mailbox's last code for this purpose, then the mailbox's budget. The wait
     * is lifted early where the last code ends: used, out of tries, expired, or never mailed.
     */
    async spendMailbox(subject: LimitSubject) {
      return (
        (await spendOrRefuse(resendWait(subject), rateLimited)) ??
        (await spendOrRefuse(sendsPerEmail(subject), rateLimited))
      );
    },

    /** Lifts the wait once the mailbox's code can no longer be used: asking again is fair. */
    liftWait: (subject: LimitSubject) => reset(resendWait(subject)),

    /** Gives back what a send spent when its mail did not leave, and lifts the wait. */
    async refundSend(subject: LimitSubject) {
      await reset(resendWait(subject));
      await spend(sendsPerEmail(subject), -1);
      if (subject.ip) await spend(sendsPerIp(subject.ip), -1);
    },

    /**
     * One failure charged before a live code is compared: from this IP's budget for the mailbox,
     * then from the mailbox's ceiling. A spent budget refuses even the right code.
     */
    async chargeFailure(subject: LimitSubject) {
      return (
        (await spendOrRefuse(failuresFromIp(subject), tooManyAttempts)) ??
        (await spendOrRefuse(failuresOfMailbox(subject), tooManyAttempts))
      );
    },

    /** After a right code: the charge is refunded and earlier failures from here are forgiven. */
    async forgiveFailures(subject: LimitSubject) {
      await reset(failuresFromIp(subject));
      await reset(failuresOfMailbox(subject));
    },
  };
}

export type RequestLimits = ReturnType<typeof requestLimits>;
