import { convexClient } from "@convex-dev/better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";
import type { signUpFields } from "../../convex/signUpFields";
import { otpOnboardingClient } from "convex-otp-onboarding/client";

/** The Better Auth client: sign-in by email code, typed from the server's sign-up schema. */
export const authClient = createAuthClient({
  baseURL: window.location.origin,
  plugins: [otpOnboardingClient<typeof signUpFields>(), convexClient()],
});
