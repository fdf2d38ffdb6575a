/**
 * `convex-otp-onboarding/client`: what a browser needs. The Better Auth client plugin, the error
 * codes to compare with, and the email rule and issue shape forms share with the server. Nothing
 * here imports server code.
 */
export { OTP_CLIENT_ERROR_CODES, otpOnboardingClient } from "./client/plugin.js";
export * from "./shared/public.js";
