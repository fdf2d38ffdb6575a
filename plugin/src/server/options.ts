/**
 * The plugin's options: every field documented with its default, the abuse limits among them, and
 * the defaults resolved once per plugin instance.
 */
import type { ComponentApi } from "@convex-dev/rate-limiter/_generated/component.js";
import type { GenericActionCtx, GenericMutationCtx, GenericQueryCtx } from "convex/server";
import type { OtpSender } from "../mail/sender.js";
import type { SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import type { OtpStorage } from "./codes.js";
import type { OptionalRoute } from "./routes.js";
import { resolveSignUpPolicy, type SignUpPolicy } from "./sign-up-policy.js";

/** At most `max` events per `window` seconds. */
export type Budget = { max: number; window: number };

/** The Convex ctx that `createAuth(ctx)` receives. */
export type ConvexCtx = GenericQueryCtx<any> | GenericMutationCtx<any> | GenericActionCtx<any>;

/** How tight the abuse limits are. See SECURITY.md for why these defaults. */
export type OtpLimits = {
  /**
   * Seconds before another code may be sent for the same mailbox and purpose while the previous
   * one is still unused. The wait ends early once that code is used, expires or runs out of tries,
   * or when its mail could not be sent.
   * @default 30
   */
  resendAfter?: number | undefined;
  /**
   * Codes sent to one mailbox for one purpose (a token bucket: a burst of `max`, refilled at
   * `max` per `window`). Aliases count as one mailbox (`ann+x@`, dots at Gmail).
   * @default { max: 10, window: 3600 }
   */
  sendsPerEmail?: Budget | undefined;
  /**
   * Codes requested from one client IP, across mailboxes (a token bucket). An early username
   * check spends it too, and so does a send whose mail then failed: the provider was asked.
   * @default { max: 30, window: 3600 }
   */
  sendsPerIp?: Budget | undefined;
  /**
   * Codes requested by every client whose IP is unknown, together, in place of `sendsPerIp` (a
   * token bucket): no client IP from Convex, `advanced.ipAddress.disableIpTracking`, or a trusted
   * proxy that named no readable client. Stricter than one IP's, since anyone may land in it;
   * with `disableIpTracking` every client shares it.
   * @default { max: 10, window: 3600 }
   */
  sendsFromUnknownIps?: Budget | undefined;
  /**
   * Wrong codes for one mailbox from one client IP, across codes. Once spent, that IP's
   * verifications for the mailbox answer `TOO_MANY_ATTEMPTS` until the window, which opens at the
   * first failure, has passed; the owner signing in from elsewhere is not affected.
   * @default { max: 10, window: 3600 }
   */
  failuresPerEmailAndIp?: Budget | undefined;
  /**
   * Wrong codes for one mailbox from anywhere: the ceiling a guesser who rotates IPs still meets
   * (NIST SP 800-63B: at most 100 consecutive failures). A successful sign-in resets it.
   * @default { max: 100, window: 86400 }
   */
  failuresPerEmail?: Budget | undefined;
  /**
   * Wrong codes for one mailbox from every client whose IP is unknown, together, in place of
   * `failuresPerEmailAndIp`; stricter, as those clients cannot be told apart.
   * @default { max: 5, window: 3600 }
   */
  failuresPerEmailFromUnknownIps?: Budget | undefined;
};

/** The limits with their defaults applied. */
export function resolveLimits(limits: OtpLimits = {}) {
  return {
    resendAfter: limits.resendAfter ?? 30,
    sendsPerEmail: limits.sendsPerEmail ?? { max: 10, window: 3600 },
    sendsPerIp: limits.sendsPerIp ?? { max: 30, window: 3600 },
    sendsFromUnknownIps: limits.sendsFromUnknownIps ?? { max: 10, window: 3600 },
    failuresPerEmailAndIp: limits.failuresPerEmailAndIp ?? { max: 10, window: 3600 },
    failuresPerEmail: limits.failuresPerEmail ?? { max: 100, window: 86_400 },
    failuresPerEmailFromUnknownIps: limits.failuresPerEmailFromUnknownIps ?? { max: 5, window: 3600 },
  };
}

export type ResolvedLimits = ReturnType<typeof resolveLimits>;

/** Options of {@link otpOnboarding}. */
export type OtpOnboardingOptions<Fields extends SignUpFieldsSchema> = {
  /** The ctx `createAuth(ctx)` receives: the request's mutation, through which every limit is kept. */
  ctx: ConvexCtx;
  /**
   * The sign-up fields, as one Zod object shared with the client. It is the single source for
   * server validation, the client's types and the Better Auth user fields the plugin adds. `name`
   * maps to Better Auth's own `name`; a `username` field is unique.
   */
  fields: Fields;
  /** Delivers the codes, e.g. `devMailbox()` or `resendSender({ ... })`. */
  sender: OtpSender;
  /** The rate limiter component that keeps the abuse limits: `components.rateLimiter`. */
  rateLimiter: ComponentApi<string | undefined>;
  /** How tight the abuse limits are; every one has a safe default. */
  limits?: OtpLimits | undefined;
  /**
   * Routes served beyond the sign-in flow; every other one answers 404. Each goes through the same
   * one-transaction path, limits and tries as sign-in.
   * @default []
   */
  routes?: OptionalRoute[] | undefined;
  /**
   * The app's name, shown in the mails.
   * @default "Convex app"
   */
  appName?: string | undefined;
  /**
   * Digits per code.
   * @default 6
   */
  otpLength?: number | undefined;
  /**
   * Seconds a code stays valid.
   * @default 300
   */
  expiresIn?: number | undefined;
  /**
   * Wrong tries allowed per code; after that even the right code is refused (`TOO_MANY_ATTEMPTS`).
   * @default 3
   */
  allowedAttempts?: number | undefined;
  /**
   * How codes are kept at rest.
   * @default "keyed-hash"
   */
  storage?: OtpStorage | undefined;
  /**
   * Refuse codes for unknown emails instead of creating the user (sign-in only apps).
   * @default false
   */
  disableSignUp?: boolean | undefined;
  /**
   * Seconds after signing in during which the session may delete the account or ask to change its
   * email without a fresh code; after that, `/delete-user` and `/email-otp/request-email-change`
   * answer 403 `FRESH_CODE_REQUIRED` unless their `otp` is a code from
   * `/email-otp/request-fresh-code`, mailed to the current address. `0` always asks.
   * @default 300
   */
  freshSessionWindow?: number | undefined;
  /**
   * A link beside the code in each mail, opening the app with the address, the code and its type in
   * the URL's fragment (`#email=…&otp=…&type=…`), which browsers never send to a server: a mail
   * scanner that fetches the link neither sees nor spends the code. `url` is the page that reads it
   * (default: `/code` on the origin of `crossDomain.siteUrl`, else of Better Auth's `baseURL`,
   * usually `SITE_URL`; a relative `url` is resolved against the same); `false` sends the code alone.
   * @default { url: `${siteUrl or baseURL origin}/code` }
   */
  codeLink?: false | { url?: string | undefined } | undefined;
  /**
   * Who may sign up: open, an allowlist, invites, a waitlist, and review accounts with a fixed code.
   * @default { mode: "open" }
   */
  signUp?: SignUpPolicy | undefined;
  /**
   * Pages on another origin than the auth routes (the app on its own host, calling
   * `https://<name>.convex.site` directly) keep their session in the page's storage instead of a
   * third-party cookie, with `crossDomainClient()` from `@convex-dev/better-auth/client/plugins`:
   * a request from a trusted origin sends its cookies in a `Better-Auth-Cookie` header, and gets
   * them back in `Set-Better-Auth-Cookie` instead of `Set-Cookie`. `siteUrl` is where the app runs:
   * the mail's code link opens there (a relative `codeLink.url` is resolved against it). Its origin
   * must be one of Better Auth's `trustedOrigins`. For the email-code flow only; OAuth redirects need
   * `@convex-dev/better-auth`'s `crossDomain` plugin instead (not both), and so does an app that
   * keeps Better Auth's own routes beside the plugin's (`besideRegisterRoutes`).
   * @default off
   */
  crossDomain?: { siteUrl: string } | undefined;
};

/** The options with every default applied, resolved once per plugin instance. */
export function resolveOptions<Fields extends SignUpFieldsSchema>(options: OtpOnboardingOptions<Fields>) {
  return {
    ctx: options.ctx,
    fields: options.fields,
    sender: options.sender,
    rateLimiter: options.rateLimiter,
    limits: resolveLimits(options.limits),
    routes: new Set<OptionalRoute>(options.routes ?? []),
    appName: options.appName ?? "Convex app",
    otpLength: options.otpLength ?? 6,
    expiresIn: options.expiresIn ?? 300,
    allowedAttempts: options.allowedAttempts ?? 3,
    storage: options.storage ?? ("keyed-hash" as const),
    disableSignUp: options.disableSignUp ?? false,
    freshSessionWindow: options.freshSessionWindow ?? 300,
    codeLink: options.codeLink ?? {},
    signUp: resolveSignUpPolicy(options.signUp),
    crossDomain: options.crossDomain,
  };
}

export type ResolvedOptions<Fields extends SignUpFieldsSchema> = ReturnType<typeof resolveOptions<Fields>>;
