/**
 * The reference app as an app already on `@convex-dev/better-auth` would have it after adding the
 * plugin: Better Auth also signs in with email and password, its routes stay on
 * `authComponent.registerRoutes` (with CORS), and the plugin serves the routes of its flow beside
 * them. Pages on another origin use `@convex-dev/better-auth`'s `crossDomain` plugin, which both
 * handlers run (the plugin's own `crossDomain` option covers only its routes).
 * Tests load it in place of ./auth.ts and ./http.ts (convex/besideBetterAuth.test.ts).
 * (Two dots in the name: Convex never deploys this file.)
 */
import type { GenericCtx } from "@convex-dev/better-auth";
import { convex, crossDomain } from "@convex-dev/better-auth/plugins";
import { betterAuth } from "better-auth/minimal";
import { otpOnboarding } from "convex-otp-onboarding";
import { authRequestMutation, registerOtpRoutes } from "convex-otp-onboarding/convex";
import { httpRouter } from "convex/server";
import { components, internal } from "./_generated/api";
import type { DataModel } from "./_generated/dataModel";
import { authComponent, createAuthOptions as referenceOptions } from "./auth";
import authConfig from "./auth.config";
import { otpSender } from "./mailer";
import { signUpFields } from "./signUpFields";

export const createAuthOptions = (ctx: GenericCtx<DataModel>) => ({
  ...referenceOptions(ctx),
  emailAndPassword: { enabled: true },
  plugins: [
    convex({ authConfig }),
    crossDomain({ siteUrl: process.env.SITE_URL! }),
    otpOnboarding({ ctx, fields: signUpFields, sender: otpSender, rateLimiter: components.rateLimiter }),
  ],
});

export const createAuth = (ctx: GenericCtx<DataModel>) => betterAuth(createAuthOptions(ctx));

export const authRequest = authRequestMutation(createAuth);

/** The app's http.ts: its Better Auth handler first, the plugin's routes beside it. */
export function passwordAppRoutes() {
  const http = httpRouter();
  authComponent.registerRoutes(http, createAuth, { cors: true });
  registerOtpRoutes(http, { createAuth, authRequest: internal.auth.authRequest, besideRegisterRoutes: true });
  return http;
}
