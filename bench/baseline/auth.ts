/**
 * The bare baseline the bench compares the plugin with: @convex-dev/better-auth and Better Auth's
 * own emailOTP, as its docs set them up. No sign-up fields, no validation, no onboarding trigger.
 */
import { createClient, type GenericCtx } from "@convex-dev/better-auth";
import { convex } from "@convex-dev/better-auth/plugins";
import { betterAuth, type BetterAuthOptions } from "better-auth/minimal";
import { emailOTP } from "better-auth/plugins/email-otp";
import { devMailbox } from "convex-otp-onboarding";
import { components } from "./_generated/api";
import type { DataModel } from "./_generated/dataModel";
import authConfig from "./auth.config";
import authSchema from "./betterAuth/schema";

/** The Better Auth component with the local schema, and no triggers. */
export const authComponent = createClient<DataModel, typeof authSchema>(components.betterAuth, {
  local: { schema: authSchema },
});

// Codes go to the dev mailbox, where the bench reads them (the plugin's codes it captures instead).
// Not the test kit's `deliver`: the bench bundles this file as it would be deployed.
const sender = devMailbox();

/**
 * Better Auth's options: the Convex JWT plugin and emailOTP with its defaults; `/delete-user` on,
 * as in the reference app, so that the bench can compare what that route costs.
 */
export const createAuthOptions = (ctx: GenericCtx<DataModel>) =>
  ({
    baseURL: process.env.SITE_URL,
    trustedOrigins: process.env.SITE_URL ? [process.env.SITE_URL] : [],
    database: authComponent.adapter(ctx),
    user: { deleteUser: { enabled: true } },
    plugins: [
      convex({ authConfig }),
      emailOTP({
        sendVerificationOTP: ({ email, otp, type }) =>
          sender.send({ to: email, otp, type, expiresInMinutes: 5, appName: "Baseline" }),
      }),
    ],
  }) satisfies BetterAuthOptions;

/** A Better Auth instance for one Convex function call or HTTP request. */
export const createAuth = (ctx: GenericCtx<DataModel>) => betterAuth(createAuthOptions(ctx));
