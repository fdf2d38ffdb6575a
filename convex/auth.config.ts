import { getAuthConfigProvider } from "@convex-dev/better-auth/auth-config";
import type { AuthConfig } from "convex/server";

// Convex trusts the JWTs that Better Auth's convex() plugin signs (issuer: CONVEX_SITE_URL).
export default {
  providers: [getAuthConfigProvider()],
} satisfies AuthConfig;
