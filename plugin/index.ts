import type { BetterAuthPlugin, User } from "better-auth";
import { createAuthEndpoint } from "better-auth/api";
import { emailOTP } from "better-auth/plugins/email-otp";
import * as z from "zod";
import { guardUserCreation } from "./creation-guard.js";
import { guardDelivery } from "./delivery-guard.js";
import { OTP_ONBOARDING_ERROR_CODES } from "./error-codes.js";
import { resolveOptions, type OtpOnboardingOptions } from "./options.js";
import { createOtpStorage } from "./otp-storage.js";
import { signUpChecks } from "./sign-up-checks.js";
import { userFieldsOf } from "./user-fields.js";
import type { SignUpFieldsSchema } from "./validation.js";

export { OTP_ONBOARDING_ERROR_CODES, type OtpOnboardingErrorCode } from "./error-codes.js";
export {
  captureMail,
  devMailbox,
  maskEmail,
  readDevMailbox,
  type CapturedMail,
  type OtpMail,
  type OtpSender,
  type OtpType,
} from "./mail.js";
export type { OtpOnboardingOptions } from "./options.js";
export {
  otpMessage,
  otpSubject,
  type OtpMessage,
  type OtpMessageOverride,
} from "./otp-mail.js";
export { resendSender, type ResendSenderOptions } from "./resend.js";
export { keyedOtpHash, type OtpStorage } from "./otp-storage.js";
export { emailSchema, type SignUpFieldsSchema, type SignUpIssue } from "./validation.js";

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
 *   plugins: [convex({ authConfig }), otpOnboarding({ fields: signUpFields, sender: devMailbox() })],
 * })
 * ```
 */
export function otpOnboarding<Fields extends SignUpFieldsSchema>(
  options: OtpOnboardingOptions<Fields>,
) {
  const resolved = resolveOptions(options);
  const otpStore = createOtpStorage(resolved.storage);
  const delivery = guardDelivery(resolved.sender);
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
      return { context: { adapter: guardUserCreation(ctx.adapter) } };
    },
    endpoints: {
      ...emailOtp.endpoints,
      signInEmailOTP: emailOtp.endpoints.signInEmailOTP as unknown as ReturnType<
        typeof typedSignInEndpoint<Fields>
      >,
    },
    hooks: {
      before: signUpChecks(resolved, otpStore),
      // Last, so that it also answers a failed mail sent by emailOTP's own after hook.
      after: [...emailOtp.hooks.after, delivery.answerFailure],
    },
    rateLimit: emailOtp.rateLimit,
    schema: { user: { fields: userFieldsOf(resolved.fields) } },
    $ERROR_CODES: { ...emailOtp.$ERROR_CODES, ...OTP_ONBOARDING_ERROR_CODES },
    options,
  } satisfies BetterAuthPlugin;
}
