import { convexClient, crossDomainClient } from "@convex-dev/better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";
import type { signUpFields } from "../../convex/signUpFields";
import { otpOnboardingClient } from "convex-otp-onboarding/client";
import { authUrl, crossDomainBackend } from "./config";

/**
 * The Better Auth client: sign-in by email code, typed from the server's sign-up schema. On another
 * origin than the backend, `crossDomainClient()` keeps the session in this page's storage and sends
 * it in a header (a third-party cookie would be blocked); the backend allows this origin by CORS.
 */
export const authClient = createAuthClient({
  baseURL: authUrl,
  plugins: [
    otpOnboardingClient<typeof signUpFields>(),
    convexClient(),
    ...(crossDomainBackend ? [crossDomainClient()] : []),
  ],
});
