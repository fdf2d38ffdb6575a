/**
 * Type test (checked by `tsc`, never run): the client's sign-in is typed from the server's
 * sign-up schema, through `otpOnboardingClient()` alone.
 */
import { convexClient } from "@convex-dev/better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";
import * as z from "zod";
import { otpOnboardingClient } from "./plugin.js";

export const signUpFields = z.object({
  username: z.string().min(3),
  name: z.string().optional(),
});

const authClient = createAuthClient({
  plugins: [otpOnboardingClient<typeof signUpFields>(), convexClient()],
});

export async function typedSignIn() {
  await authClient.signIn.emailOtp({ email: "ann@example.com", otp: "123456" });
  await authClient.signIn.emailOtp({ email: "ann@example.com", otp: "123456", username: "ann", name: "Ann" });
  // @ts-expect-error `username` is a string in the sign-up schema.
  await authClient.signIn.emailOtp({ email: "ann@example.com", otp: "123456", username: 42 });
  // @ts-expect-error `otp` is required.
  await authClient.signIn.emailOtp({ email: "ann@example.com" });
  // @ts-expect-error `nickname` is no sign-up field.
  await authClient.signIn.emailOtp({ email: "ann@example.com", otp: "123456", nickname: "ann" });
  await authClient.emailOtp.sendVerificationOtp({ email: "ann@example.com", type: "sign-in" });
}

export function errorCodes() {
  const codes: string[] = [
    authClient.$ERROR_CODES.USERNAME_TAKEN.code,
    authClient.$ERROR_CODES.INVALID_SIGNUP_PARAMS.code,
    authClient.$ERROR_CODES.INVALID_OTP.code,
    authClient.$ERROR_CODES.OTP_EXPIRED.code,
    authClient.$ERROR_CODES.TOO_MANY_ATTEMPTS.code,
  ];
  return codes;
}
