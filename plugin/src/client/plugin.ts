import { getGlobalBroadcastChannel, type BetterAuthClientPlugin } from "better-auth/client";
import { EMAIL_OTP_ERROR_CODES } from "better-auth/client/plugins";
// Type only: the server plugin (and everything it imports) never reaches a browser bundle.
import type { otpOnboarding } from "../server/plugin.js";
import { OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";
import type { SignUpFieldsSchema } from "../shared/sign-up-schema.js";

/**
 * Every code a sign-in by email code can fail with: the plugin's and Better Auth emailOTP's.
 * (`authClient.$ERROR_CODES` has the same, as types only; this is the value to compare with.)
 *
 * ```ts
 * if (error.code === OTP_CLIENT_ERROR_CODES.INVALID_OTP.code) ...
 * ```
 */
export const OTP_CLIENT_ERROR_CODES = { ...EMAIL_OTP_ERROR_CODES, ...OTP_ONBOARDING_ERROR_CODES };

/**
 * The Better Auth client plugin for {@link otpOnboarding}. Given the type of the server's sign-up
 * schema, it types `signIn.emailOtp` from it, so a wrong field fails to compile; it exposes every
 * error code (the plugin's and emailOTP's) as `authClient.$ERROR_CODES`.
 *
 * ```ts
 * import type { signUpFields } from "../convex/signUpFields";
 * const authClient = createAuthClient({
 *   plugins: [otpOnboardingClient<typeof signUpFields>(), convexClient()],
 * });
 * await authClient.signIn.emailOtp({ email, otp, username: "ann", name: "Ann" });
 * ```
 */
export function otpOnboardingClient<Fields extends SignUpFieldsSchema = SignUpFieldsSchema>() {
  return {
    id: "otp-onboarding",
    $InferServerPlugin: {} as ReturnType<typeof otpOnboarding<Fields>>,
    // A sign-in or a new email changes the session: tell `useSession` to refetch, as emailOTPClient()
    // does, and tell the app's other tabs of a sign-in, as Better Auth does for a sign-out.
    atomListeners: [
      {
        matcher: (path) =>
          path === "/sign-in/email-otp" ||
          path === "/email-otp/verify-email" ||
          path === "/email-otp/request-email-change" ||
          path === "/email-otp/change-email",
        signal: "$sessionSignal",
        callback: (path) => {
          if (path !== "/sign-in/email-otp") return;
          const clientId = Math.random().toString(36).slice(2);
          getGlobalBroadcastChannel().post({ event: "session", data: { trigger: "signin" }, clientId });
        },
      },
    ],
    $ERROR_CODES: OTP_CLIENT_ERROR_CODES,
  } satisfies BetterAuthClientPlugin;
}
