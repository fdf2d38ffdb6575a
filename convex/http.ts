import { registerOtpRoutes } from "convex-otp-onboarding/convex";
import { httpRouter } from "convex/server";
import { internal } from "./_generated/api";
import { createAuth } from "./auth";

const http = httpRouter();

// Better Auth's routes of the email-code flow under /api/auth/*, each request one transaction.
registerOtpRoutes(http, { createAuth, authRequest: internal.auth.authRequest });

export default http;
