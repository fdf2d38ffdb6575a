/**
 * The bare baseline the bench compares the plugin with: @convex-dev/better-auth and Better Auth's
 * own emailOTP, as its docs set them up. No sign-up fields, no validation, no onboarding trigger.
 */
import { createClient, type GenericCtx } from "@convex-dev/better-auth";
import { convex } from "@convex-dev/better-auth/plugins";
import { betterAuth, type BetterAuthOptions } from "better-auth/minimal";
import { emailOTP } from "better-auth/plugins/email-otp";
import { devMailbox } from "convex-otp-onboarding";
import { deliver } from "convex-otp-onboarding/test";
import { components } from "./_generated/api";
import type { DataModel } from "./_generated/dataModel";
import authConfig from "./auth.config";
import authSchema from "./betterAuth/schema";

/** The Better Auth component with the local schema, and no triggers. */
export const authComponent = createClient<DataModel, typeof authSchema>(components.betterAuth, {
  local: { schema: authSchema },
});

// Codes leave through the same mail edge as the plugin's, so that one capture reads both setups.
const sender = devMailbox();

/** Better Auth's options: the Convex JWT plugin and emailOTP with its defaults. */
export const createAuthOptions = (ctx: GenericCtx<DataModel>) =>
  ({
    baseURL: process.env.SITE_URL,
    trustedOrigins: process.env.SITE_URL ? [process.env.SITE_URL] : [],
    database: authComponent.adapter(ctx),
    plugins: [
      convex({ authConfig }),
      emailOTP({
        sendVerificationOTP: ({ email, otp, type }) =>
          deliver(sender, { to: email, otp, type, expiresInMinutes: 5, appName: "Baseline" }),
      }),
    ],
  }) satisfies BetterAuthOptions;

/** A Better Auth instance for one Convex function call or HTTP request. */
export const createAuth = (ctx: GenericCtx<DataModel>) => betterAuth(createAuthOptions(ctx));
