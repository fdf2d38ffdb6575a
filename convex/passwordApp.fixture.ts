/**
 * The reference app as an app already on `@convex-dev/better-auth` would have it after adding the
 * plugin: Better Auth also signs in with email and password, its routes stay on
 * `authComponent.registerRoutes`, and the plugin serves the routes of its flow beside them.
 * Tests load it in place of ./auth.ts and ./http.ts (convex/besideBetterAuth.test.ts).
 * (Two dots in the name: Convex never deploys this file.)
 */
import type { GenericCtx } from "@convex-dev/better-auth";
import { betterAuth } from "better-auth/minimal";
import { authRequestMutation, registerOtpRoutes } from "convex-otp-onboarding/convex";
import { httpRouter } from "convex/server";
import { internal } from "./_generated/api";
import type { DataModel } from "./_generated/dataModel";
import { authComponent, createAuthOptions as referenceOptions } from "./auth";

export const createAuthOptions = (ctx: GenericCtx<DataModel>) => ({
  ...referenceOptions(ctx),
  emailAndPassword: { enabled: true },
});

export const createAuth = (ctx: GenericCtx<DataModel>) => betterAuth(createAuthOptions(ctx));

export const authRequest = authRequestMutation(createAuth);

/** The app's http.ts: its Better Auth handler first, the plugin's routes beside it. */
export function passwordAppRoutes() {
  const http = httpRouter();
  authComponent.registerRoutes(http, createAuth);
  registerOtpRoutes(http, { createAuth, authRequest: internal.auth.authRequest, besideRegisterRoutes: true });
  return http;
}
