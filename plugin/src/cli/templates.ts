/**
 * The files `init` creates, as the recipe in docs/install.md shows them. Each is written only where
 * no file of that name exists.
 */

/** The Better Auth generator `init` runs: the newest 1.6 release of the package `auth`. */
export const SCHEMA_GENERATOR = "auth@1.6.33";

/** The Better Auth component, installed locally (where `@convex-dev/better-auth` documents it). */
export const componentConfig = `import { defineComponent } from "convex/server";

const component = defineComponent("betterAuth");

export default component;
`;

/** What Better Auth's schema generator loads: the app's options, never imported at run time. */
export const componentStaticAuth = `// Better Auth's schema generator reads this file (cd into this folder, then
// \`npx ${SCHEMA_GENERATOR} generate --config ./auth.ts --yes\`);
// nothing imports it at run time.
import { betterAuth } from "better-auth/minimal";
import { createAuthOptions } from "../auth";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const auth = betterAuth(createAuthOptions({} as any));
`;

/** The component's adapter functions, checked against its schema and the app's auth options. */
export const componentAdapter = `import { createApi } from "@convex-dev/better-auth";
import { createAuthOptions } from "../auth";
import schema from "./schema";

export const { create, findOne, findMany, updateOne, updateMany, deleteOne, deleteMany } =
  createApi(schema, createAuthOptions);
`;

/**
 * \`signUpFields.ts\`. In an app that already has Better Auth users (\`existingUsers\`), \`username\` is
 * optional: the users already there, and those who sign up another way (e.g. by password), have none.
 */
export const signUpFields = (existingUsers: boolean) => `import * as z from "zod";

/** What a new user gives at sign-up, besides the email: one schema for server, table and forms. */
export const signUpFields = z.object({
  username: z.string().trim().min(3).max(20).regex(/^[a-z0-9_]+$/)${
    existingUsers ? "\n    // Optional: the users you already have, and those who sign up another way, have none.\n    .optional()" : ""
  },
  name: z.string().trim().min(1).max(50).optional(),
});
`;

export const mailer = `import { devMailbox, resendSender, type OtpSender } from "convex-otp-onboarding";

/** Resend when the deployment has \`RESEND_API_KEY\`, the dev mailbox otherwise. */
export const sender: OtpSender = process.env["RESEND_API_KEY"]
  ? resendSender({ apiKey: process.env["RESEND_API_KEY"], from: process.env["RESEND_FROM"] ?? "" })
  : devMailbox();
`;

export const onboarding = `import { defineOnboarding } from "convex-otp-onboarding/convex";
import type { Infer } from "convex/values";
import type { DataModel } from "./_generated/dataModel";
import type { MutationCtx } from "./_generated/server";
import type authSchema from "./betterAuth/schema";

/** A Better Auth user row as the triggers receive it, sign-up fields included. */
export type AuthUser = Infer<typeof authSchema.tables.user.validator> & { _id: string };

/**
 * A first step: it runs once per new user, inside the transaction that inserts the user. Replace
 * it with yours (create a profile, set defaults); a step that throws rolls the sign-up back.
 */
async function welcome(_ctx: MutationCtx, user: AuthUser) {
  console.log(\`[onboarding] onboarded user \${user._id}\`);
}

export const onboarding = defineOnboarding<DataModel, AuthUser>({ steps: [welcome] });
`;

export const auth = `import { createClient, type AuthFunctions, type GenericCtx } from "@convex-dev/better-auth";
import { convex } from "@convex-dev/better-auth/plugins";
import { betterAuth, type BetterAuthOptions } from "better-auth/minimal";
import { otpOnboarding } from "convex-otp-onboarding";
import { authRequestMutation } from "convex-otp-onboarding/convex";
import { components, internal } from "./_generated/api";
import type { DataModel } from "./_generated/dataModel";
import authConfig from "./auth.config";
import authSchema from "./betterAuth/schema";
import { sender } from "./mailer";
import { onboarding } from "./onboarding";
import { signUpFields } from "./signUpFields";

export const authFunctions: AuthFunctions = internal.auth;

export const authComponent = createClient<DataModel, typeof authSchema>(components.betterAuth, {
  local: { schema: authSchema },
  authFunctions,
  triggers: {
    user: { onCreate: onboarding.onCreate, onUpdate: onboarding.onUpdate, onDelete: onboarding.onDelete },
  },
});

export const { onCreate, onUpdate, onDelete } = authComponent.triggersApi();

export const createAuthOptions = (ctx: GenericCtx<DataModel>) =>
  ({
    baseURL: process.env["SITE_URL"]!, // where the app runs: \`npx convex env set SITE_URL ...\`
    database: authComponent.adapter(ctx),
    plugins: [
      convex({ authConfig }),
      otpOnboarding({ ctx, fields: signUpFields, sender, rateLimiter: components.rateLimiter }),
    ],
  }) satisfies BetterAuthOptions;

export const createAuth = (ctx: GenericCtx<DataModel>) => betterAuth(createAuthOptions(ctx));

/** Every auth request's database work, in one transaction. */
export const authRequest = authRequestMutation(createAuth);
`;

/** The whole file, for an app without one. */
export const convexConfig = `import rateLimiter from "@convex-dev/rate-limiter/convex.config";
import { defineApp } from "convex/server";
import betterAuth from "./betterAuth/convex.config";

const app = defineApp();
app.use(betterAuth);
app.use(rateLimiter);

export default app;
`;

export const http = `import { registerOtpRoutes } from "convex-otp-onboarding/convex";
import { httpRouter } from "convex/server";
import { internal } from "./_generated/api";
import { createAuth } from "./auth";

const http = httpRouter();
registerOtpRoutes(http, { createAuth, authRequest: internal.auth.authRequest });

export default http;
`;

export const schema = `import { onboardingTables } from "convex-otp-onboarding/convex";
import { defineSchema } from "convex/server";

export default defineSchema({
  ...onboardingTables,
});
`;

export const authConfig = `import { getAuthConfigProvider } from "@convex-dev/better-auth/auth-config";
import type { AuthConfig } from "convex/server";

export default { providers: [getAuthConfigProvider()] } satisfies AuthConfig;
`;

/** The Better Auth client for a React app; `convexImport` is the functions folder from the file. */
export const reactClient = (convexImport: string) => `import { convexClient } from "@convex-dev/better-auth/client/plugins";
import { createAuthClient } from "better-auth/react";
import { otpOnboardingClient } from "convex-otp-onboarding/client";
import type { signUpFields } from "${convexImport}/signUpFields";

/** Better Auth in the browser: \`signIn.emailOtp\` typed from the sign-up schema. */
export const authClient = createAuthClient({
  plugins: [otpOnboardingClient<typeof signUpFields>(), convexClient()],
});
`;
