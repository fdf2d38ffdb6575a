import type { OtpSender } from "./mail.js";
import type { OtpStorage } from "./otp-storage.js";
import { resolveRateLimits, type OtpRateLimits } from "./rate-limits.js";
import type { SignUpFieldsSchema } from "./validation.js";

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
