import { createClient, type AuthFunctions, type GenericCtx } from "@convex-dev/better-auth";
import { convex } from "@convex-dev/better-auth/plugins";
import { betterAuth, type BetterAuthOptions } from "better-auth/minimal";
import { OPTIONAL_ROUTES, otpOnboarding, type OptionalRoute, type SignUpPolicy } from "convex-otp-onboarding";
import { authRequestMutation, signUpMailAction } from "convex-otp-onboarding/convex";
import { components, internal } from "./_generated/api";
import type { DataModel } from "./_generated/dataModel";
import authConfig from "./auth.config";
import authSchema from "./betterAuth/schema";
import { otpSender } from "./mailer";
import { onboarding } from "./onboarding";
import { signUpFields } from "./signUpFields";

/** The trigger mutations below; annotated, as they are part of `internal.auth` itself. */
export const authFunctions: AuthFunctions = internal.auth;

/** The Better Auth component, with our local schema and the onboarding triggers. */
export const authComponent = createClient<DataModel, typeof authSchema>(components.betterAuth, {
  local: { schema: authSchema },
  authFunctions,
  triggers: {
    user: {
      onCreate: onboarding.onCreate,
      onUpdate: onboarding.onUpdate,
      onDelete: onboarding.onDelete,
    },
  },
});

// The trigger mutations the component calls, inside its own transaction, on user changes.
export const { onCreate, onUpdate, onDelete } = authComponent.triggersApi();

/**
 * Routes served beyond the sign-in flow: none, unless `OTP_OPTIONAL_ROUTES` names some
 * (comma-separated, e.g. `email-verification,forget-password`). An unknown name stops the deploy.
 */
function optionalRoutes(names = ""): OptionalRoute[] {
  return names
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean)
    .map((name) => {
      if (!(OPTIONAL_ROUTES as readonly string[]).includes(name)) {
        throw new Error(`OTP_OPTIONAL_ROUTES: unknown route "${name}" (known: ${OPTIONAL_ROUTES.join(", ")})`);
      }
      return name as OptionalRoute;
    });
}

/** The items of a comma-separated environment variable. */
const commaList = (value = "") => value.split(",").map((item) => item.trim()).filter(Boolean);

/**
 * Behind a proxy of yours only: `TRUSTED_PROXIES` lists the addresses it reaches Convex from (IPs
 * or CIDR ranges, comma-separated) and `IP_ADDRESS_HEADERS` the headers it writes the client's
 * address to (e.g. `x-forwarded-for`). A header is believed only on requests from those addresses;
 * any other request is counted by the address Convex saw.
 */
function ipAddressOptions(env: NodeJS.ProcessEnv) {
  const ipAddressHeaders = commaList(env.IP_ADDRESS_HEADERS);
  const trustedProxies = commaList(env.TRUSTED_PROXIES);
  return ipAddressHeaders.length > 0 ? { advanced: { ipAddress: { ipAddressHeaders, trustedProxies } } } : {};
}

/**
 * The origins whose pages may call the auth routes: `SITE_URL`, and any named in `TRUSTED_ORIGINS`
 * (comma-separated, e.g. an app served from a second host in the cross-domain setup).
 */
function trustedOrigins(siteUrl = "", extra = ""): string[] {
  return [siteUrl, ...commaList(extra)].filter(Boolean);
}

const SIGN_UP_MODES = ["open", "allowlist", "invite", "waitlist"] as const;

/**
 * Who may sign up, from the environment, so that each mode can be shown without a code change:
 * `OTP_SIGN_UP` (`open`, the default, `allowlist`, `invite` or `waitlist`), `OTP_SIGN_UP_ALLOW`
 * (addresses and `@domains`) and `OTP_REVIEW_ACCOUNTS` (`address:code`, comma-separated). A value
 * that cannot be read stops the deploy.
 */
export function signUpPolicy(env: Record<string, string | undefined>): SignUpPolicy {
  const mode = env.OTP_SIGN_UP?.trim() || "open";
  if (!(SIGN_UP_MODES as readonly string[]).includes(mode)) {
    throw new Error(`OTP_SIGN_UP: unknown mode "${mode}" (known: ${SIGN_UP_MODES.join(", ")})`);
  }
  const reviewAccounts = commaList(env.OTP_REVIEW_ACCOUNTS).map((pair) => {
    const colon = pair.lastIndexOf(":");
    if (colon < 1) throw new Error("OTP_REVIEW_ACCOUNTS: write each account as address:code");
    return { email: pair.slice(0, colon), code: pair.slice(colon + 1) };
  });
  return {
    mode: mode as SignUpPolicy["mode"],
    allow: commaList(env.OTP_SIGN_UP_ALLOW),
    reviewAccounts,
    ...(env.SITE_URL ? { inviteUrl: env.SITE_URL } : {}),
  };
}

/** Better Auth's options; also read without a ctx by the component to derive its tables. */
export const createAuthOptions = (ctx: GenericCtx<DataModel>) =>
  ({
    baseURL: process.env.SITE_URL,
    trustedOrigins: trustedOrigins(process.env.SITE_URL, process.env.TRUSTED_ORIGINS),
    database: authComponent.adapter(ctx),
    // `/delete-user`: the onDelete trigger removes what onboarding created, in the same transaction.
    user: { deleteUser: { enabled: true } },
    ...ipAddressOptions(process.env),
    plugins: [
      convex({ authConfig }),
      otpOnboarding({
        ctx,
        fields: signUpFields,
        sender: otpSender,
        rateLimiter: components.rateLimiter,
        appName: "OTP Onboarding",
        routes: optionalRoutes(process.env.OTP_OPTIONAL_ROUTES),
        signUp: signUpPolicy(process.env),
        // Pages on another origin (TRUSTED_ORIGINS) keep their session in a header, not a third-party cookie.
        crossDomain: { siteUrl: process.env.SITE_URL! },
      }),
    ],
  }) satisfies BetterAuthOptions;

/** A Better Auth instance for one Convex function call or HTTP request. */
export const createAuth = (ctx: GenericCtx<DataModel>) => betterAuth(createAuthOptions(ctx));

/** Every auth request's database work, in one transaction: served by the routes of ./http.ts. */
export const authRequest = authRequestMutation(createAuth);

/** Mails an approved waitlist entry its invite (scheduled by `waitlist:approve`). */
export const signUpMail = signUpMailAction(createAuth);
