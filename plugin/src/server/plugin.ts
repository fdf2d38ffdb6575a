import type { BetterAuthPlugin, User } from "better-auth";
import { createAuthEndpoint } from "better-auth/api";
import { emailOTP } from "better-auth/plugins/email-otp";
import * as z from "zod";
import { OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";
import type { SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { userFieldsOf } from "./better-auth-fields.js";
import { guardUserCreation } from "./creation-guard.js";
import { guardDelivery } from "./delivery-guard.js";
import { errorAnswers } from "./error-answers.js";
import { resolveOptions, type OtpOnboardingOptions } from "./options.js";
import { createOtpStorage } from "./otp-storage.js";
import { createOtpLimits, LIMITED_ROUTES } from "./rate-limits.js";
import { createSignUpRefusal, signUpChecks } from "./sign-up-checks.js";
import { watchWrongGuesses } from "./wrong-guesses.js";

/** The body of `/sign-in/email-otp`: email and code, plus the sign-up fields (needed for a new user). */
type SignInBody<Fields extends SignUpFieldsSchema> = z.ZodObject<
  { email: z.ZodString; otp: z.ZodString } & {
    [K in keyof Fields["shape"]]: z.ZodOptional<Fields["shape"][K]>;
  }
>;

// Type only: the endpoint as the client sees it, typed from the sign-up schema. (Mapped by hand:
// `.partial()` on a generic schema would lose the field names.)
const typedSignInEndpoint = <Fields extends SignUpFieldsSchema>(fields: Fields) =>
  createAuthEndpoint(
    "/sign-in/email-otp",
    {
      method: "POST",
      body: z
        .object({ email: z.string(), otp: z.string() })
        .extend(fields.partial().shape) as unknown as SignInBody<Fields>,
    },
    async (ctx) => ctx.json({ token: "", user: {} as User }),
  );

/**
 * Passwordless sign-up by email code, with Zod-validated sign-up fields. Configures Better Auth's
 * `emailOTP` (it replaces that plugin: do not add both) and validates sign-up fields before any code
 * is sent or consumed. Pair it with `defineOnboarding` for the one-time setup of each new user.
 *
 * ```ts
 * betterAuth({
 *   plugins: [
 *     convex({ authConfig }),
 *     otpOnboarding({
 *       fields: signUpFields,
 *       sender: devMailbox(),
 *       rateLimits: { component: components.rateLimiter, ctx },
 *     }),
 *   ],
 * })
 * ```
 */
export function otpOnboarding<Fields extends SignUpFieldsSchema>(
  options: OtpOnboardingOptions<Fields>,
) {
  const resolved = resolveOptions(options);
  const otpStore = createOtpStorage(resolved.storage);
  const delivery = guardDelivery(resolved.sender);
  const limits = createOtpLimits(resolved.rateLimits, resolved.allowedAttempts);
  const signUpRefusal = createSignUpRefusal();
  const emailOtp = emailOTP({
    otpLength: resolved.otpLength,
    expiresIn: resolved.expiresIn,
    allowedAttempts: resolved.allowedAttempts,
    disableSignUp: resolved.disableSignUp,
    storeOTP: otpStore.storeOTP,
    sendVerificationOTP: ({ email, otp, type }, ctx) =>
      delivery.sendVerificationOTP(
        {
          to: email,
          otp,
          type,
          expiresInMinutes: Math.round(resolved.expiresIn / 60),
          appName: resolved.appName,
        },
        ctx,
      ),
  });

  return {
    id: "otp-onboarding",
    init(ctx) {
      otpStore.bind(ctx);
      // Better Auth's own limiter counts in the memory of one Convex isolate, keyed by a header
      // Convex does not set: it would either do nothing or lump all clients together. The limits
      // above replace it on these routes (a rule the app sets for one of them still wins).
      const customRules = {
        ...Object.fromEntries(LIMITED_ROUTES.map((route) => [route, false as const])),
        ...ctx.rateLimit.customRules,
      };
      return {
        context: {
          adapter: watchWrongGuesses(
            guardUserCreation(ctx.adapter, {
              onCodeRestored: limits.codeRestored,
              refusal: signUpRefusal.get,
            }),
            limits.wrongGuess,
          ),
          rateLimit: { ...ctx.rateLimit, customRules },
        },
      };
    },
    endpoints: {
      ...emailOtp.endpoints,
      signInEmailOTP: emailOtp.endpoints.signInEmailOTP as unknown as ReturnType<
        typeof typedSignInEndpoint<Fields>
      >,
    },
    hooks: {
      // A spent failure budget answers first, so that no check can tell a right code from a wrong
      // one; then validation, so that input it refuses spends no send limit.
      before: [limits.beforeVerify, ...signUpChecks(resolved, signUpRefusal), limits.beforeSend],
      // The failed-mail answer comes after emailOTP's own after hook (which may send a mail), the
      // limits see the final answer, and every error leaves with a code.
      after: [...emailOtp.hooks.after, delivery.answerFailure, ...limits.after, ...errorAnswers],
    },
    schema: { user: { fields: userFieldsOf(resolved.fields) } },
    $ERROR_CODES: { ...emailOtp.$ERROR_CODES, ...OTP_ONBOARDING_ERROR_CODES },
    options,
  } satisfies BetterAuthPlugin;
}
