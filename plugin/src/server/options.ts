import type { ComponentApi } from "@convex-dev/rate-limiter/_generated/component.js";
import type { GenericActionCtx, GenericMutationCtx, GenericQueryCtx } from "convex/server";
import type { OtpSender } from "../mail/sender.js";
import type { OtpStorage } from "./otp-storage.js";
import type { SignUpFieldsSchema } from "../shared/sign-up-schema.js";

/** At most `max` events per `window` seconds. */
export type Budget = { max: number; window: number };

/** The Convex ctx that `createAuth(ctx)` receives; the limits need its `runMutation`. */
export type ConvexCtx = GenericQueryCtx<any> | GenericMutationCtx<any> | GenericActionCtx<any>;

/** Where the abuse limits are kept, and how tight they are. */
export type OtpRateLimits = {
  /** The rate limiter component, `components.rateLimiter` (`app.use(rateLimiter)` in convex.config.ts). */
  component: ComponentApi<string | undefined>;
  /** The ctx of the current request: the one `createAuthOptions(ctx)` receives. */
  ctx: ConvexCtx;
  /**
   * Seconds before another code may be sent for the same email and purpose while the previous one
   * is still unused. The wait ends early once that code is used, expires or runs out of tries, or
   * when the onboarding after it failed.
   * @default 30
   */
  resendAfter?: number;
  /**
   * Codes sent to one email address, across purposes (a token bucket: a burst of `max`, refilled at
   * `max` per `window`).
   * @default { max: 10, window: 3600 }
   */
  sendsPerEmail?: Budget;
  /**
   * Codes requested from one client IP (a token bucket). Skipped when the IP is unknown; see
   * SECURITY.md for how the IP is found.
   * @default { max: 30, window: 3600 }
   */
  sendsPerIp?: Budget;
  /**
   * Wrong guesses at the live code of one email, across codes. Once spent, every
   * verification for that email answers `TOO_MANY_ATTEMPTS` until the window, which opens at the
   * first failure, has passed; a new code does not reset it, a successful sign-in does.
   * @default { max: 10, window: 3600 }
   */
  failedVerificationsPerEmail?: Budget;
  /**
   * The same count over a longer window, so that a patient guesser who waits out every hour still
   * meets a ceiling (NIST SP 800-63B: at most 100 consecutive failures). A successful sign-in
   * resets it too.
   * @default { max: 100, window: 86400 }
   */
  consecutiveFailuresPerEmail?: Budget;
};

/** The limits with their defaults applied; `ctx` is checked only when a request needs it. */
function resolveRateLimits(limits: OtpRateLimits | undefined) {
  return {
    component: limits?.component,
    ctx: limits?.ctx,
    resendAfter: limits?.resendAfter ?? 30,
    sendsPerEmail: limits?.sendsPerEmail ?? { max: 10, window: 3600 },
    sendsPerIp: limits?.sendsPerIp ?? { max: 30, window: 3600 },
    failedVerificationsPerEmail: limits?.failedVerificationsPerEmail ?? { max: 10, window: 3600 },
    consecutiveFailuresPerEmail: limits?.consecutiveFailuresPerEmail ?? { max: 100, window: 86_400 },
  };
}

export type ResolvedRateLimits = ReturnType<typeof resolveRateLimits>;

/** Options of {@link otpOnboarding}. */
export type OtpOnboardingOptions<Fields extends SignUpFieldsSchema> = {
  /**
   * The sign-up fields, as one Zod object shared with the client. It is the single source for
   * server validation, the client's types and the Better Auth user fields the plugin adds. `name`
   * maps to Better Auth's own `name`; a `username` field is unique.
   */
  fields: Fields;
  /** Delivers the codes, e.g. `devMailbox()` or `resendSender({ ... })`. */
  sender: OtpSender;
  /**
   * The app's name, shown in the mails.
   * @default "Convex app"
   */
  appName?: string;
  /**
   * Digits per code.
   * @default 6
   */
  otpLength?: number;
  /**
   * Seconds a code stays valid.
   * @default 300
   */
  expiresIn?: number;
  /**
   * Wrong tries allowed per code; after that even the right code is refused (`TOO_MANY_ATTEMPTS`).
   * @default 3
   */
  allowedAttempts?: number;
  /**
   * How codes are kept at rest.
   * @default "keyed-hash"
   */
  storage?: OtpStorage;
  /**
   * Abuse limits, kept in Convex by the `@convex-dev/rate-limiter` component: pass the component
   * and the ctx of the request, `{ component: components.rateLimiter, ctx }`. The limits have
   * safe defaults (see {@link OtpRateLimits} and SECURITY.md).
   */
  rateLimits: OtpRateLimits;
  /**
   * Refuse codes for unknown emails instead of creating the user (sign-in only apps).
   * @default false
   */
  disableSignUp?: boolean;
};

/** The options with every default applied, resolved once per plugin instance. */
export function resolveOptions<Fields extends SignUpFieldsSchema>(
  options: OtpOnboardingOptions<Fields>,
) {
  return {
    fields: options.fields,
    sender: options.sender,
    appName: options.appName ?? "Convex app",
    otpLength: options.otpLength ?? 6,
    expiresIn: options.expiresIn ?? 300,
    allowedAttempts: options.allowedAttempts ?? 3,
    storage: options.storage ?? ("keyed-hash" as const),
    disableSignUp: options.disableSignUp ?? false,
    rateLimits: resolveRateLimits(options.rateLimits),
  };
}

export type ResolvedOptions<Fields extends SignUpFieldsSchema> = ReturnType<
  typeof resolveOptions<Fields>
>;
