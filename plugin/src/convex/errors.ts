/** The plugin's `ConvexError`s in Convex functions: how they are made, and how a client recognises them. */
import { ConvexError, type Value } from "convex/values";
import { codedErrorData } from "../shared/convex-error.js";
import { OTP_ONBOARDING_ERROR_CODES, type OtpOnboardingErrorCode } from "../shared/error-codes.js";

/** The `data` of the plugin's `ConvexError`s: a stable code, its message, and any details. */
export type OnboardingErrorData = { code: OtpOnboardingErrorCode; message: string } & Record<string, Value>;

/**
 * Whether `error` is one of the plugin's `ConvexError`s (e.g. `FORBIDDEN`), so a client can tell it
 * from other failures. Recognised by shape, so a second copy of `convex` in the app changes nothing.
 *
 * ```ts
 * try { await convex.mutation(api.profiles.update, args) }
 * catch (e) { if (isOnboardingError(e) && e.data.code === "FORBIDDEN") ... }
 * ```
 */
export function isOnboardingError(error: unknown): error is ConvexError<OnboardingErrorData> {
  const data = codedErrorData(error);
  return data !== undefined && Object.hasOwn(OTP_ONBOARDING_ERROR_CODES, data.code);
}

/**
 * The plugin's `ConvexError` for `code`, with its standard message and any details to carry along.
 *
 * ```ts
 * throw onboardingError("INVALID_SIGNUP_PARAMS", { issues: [{ path: "username", message: "..." }] });
 * ```
 */
export function onboardingError(
  code: OtpOnboardingErrorCode,
  details: Record<string, Value> = {},
): ConvexError<OnboardingErrorData> {
  const { message } = OTP_ONBOARDING_ERROR_CODES[code];
  return new ConvexError({ ...details, code, message });
}
