/**
 * The route table: which routes the plugin serves and what each does with codes, which one a
 * request asks for, and the gate that answers 404 for the rest and keeps code routes inside the
 * auth mutation.
 */
import type { HookEndpointContext } from "@better-auth/core";
import { APIError, createAuthMiddleware } from "better-auth/api";
import type { FreshCodePurpose, OtpType } from "../mail/sender.js";
import { OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";
import { asRecord, type SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import type { PluginContext } from "./request.js";

/**
 * The routes that can be turned on beyond the sign-in flow, each for an app that needs it: the
 * standalone code check, email verification, password reset and email change by code.
 */
export const OPTIONAL_ROUTES = ["check-verification-otp", "email-verification", "forget-password", "change-email"] as const;
export type OptionalRoute = (typeof OPTIONAL_ROUTES)[number];

/**
 * What a route does with codes:
 * - `send`: stores a new code for `purpose` and mails it;
 * - `check`: compares a submitted code for `purpose` (`consumes`: a right code is used up);
 * - `session`: reads or changes the signed-in session, no code involved;
 * - `keys`: the Convex JWT's public keys and OpenID configuration, read by Convex itself.
 */
export type RouteKind = "send" | "check" | "session" | "keys";

/** One route the plugin serves. */
export type Route = {
  method: "GET" | "POST";
  kind: RouteKind;
  /**
   * The purpose of the code the route sends or checks: fixed, the body's `type`, or the purpose of
   * the fresh code for the body's `action` (see `FRESH_CODE_ACTIONS`).
   */
  purpose?: OtpType | "from-body" | "from-action";
  /** Whether a right code is used up (sign-in, verification) or only confirmed. */
  consumes?: boolean;
  /** The body keys the route takes besides the sign-up fields (`signUpFields` says whether those too). */
  keys: readonly string[];
  /** Whether the route takes the sign-up fields (validated by the Zod schema). */
  signUpFields?: boolean;
  /** Which optional route turns it on; without one it is always served. */
  optional?: OptionalRoute;
  /**
   * A session route every sign-in method uses, with no code and no guard of the plugin's: beside
   * `authComponent.registerRoutes` (`besideRegisterRoutes`), the app's Better Auth handler serves it.
   */
  sharedWithBetterAuth?: true;
};

/**
 * Every route the plugin serves under Better Auth's base path, and what each does. Any other path
 * answers 404: Better Auth's other endpoints (passwords, social sign-in, sessions lists) are not
 * part of this flow. The one place that says which routes exist.
 */
export const ROUTES: Readonly<Record<string, Route>> = {
  "/email-otp/send-verification-otp": {
    method: "POST",
    kind: "send",
    purpose: "from-body",
    keys: ["email", "type"],
    signUpFields: true,
  },
  "/sign-in/email-otp": {
    method: "POST",
    kind: "check",
    purpose: "sign-in",
    consumes: true,
    keys: ["email", "otp"],
    signUpFields: true,
  },
  "/email-otp/check-verification-otp": {
    method: "POST",
    kind: "check",
    purpose: "from-body",
    consumes: false,
    keys: ["email", "type", "otp"],
    optional: "check-verification-otp",
  },
  "/email-otp/verify-email": {
    method: "POST",
    kind: "check",
    purpose: "email-verification",
    consumes: true,
    keys: ["email", "otp"],
    optional: "email-verification",
  },
  "/email-otp/request-password-reset": {
    method: "POST",
    kind: "send",
    purpose: "forget-password",
    keys: ["email"],
    optional: "forget-password",
  },
  "/forget-password/email-otp": {
    method: "POST",
    kind: "send",
    purpose: "forget-password",
    keys: ["email"],
    optional: "forget-password",
  },
  "/email-otp/reset-password": {
    method: "POST",
    kind: "check",
    purpose: "forget-password",
    consumes: true,
    keys: ["email", "otp", "password"],
    optional: "forget-password",
  },
  "/email-otp/request-email-change": {
    method: "POST",
    kind: "send",
    purpose: "change-email",
    keys: ["newEmail", "otp"],
    optional: "change-email",
  },
  "/email-otp/change-email": {
    method: "POST",
    kind: "check",
    purpose: "change-email",
    consumes: true,
    keys: ["newEmail", "otp"],
    optional: "change-email",
  },
  "/email-otp/request-fresh-code": {
    method: "POST",
    kind: "send",
    purpose: "from-action",
    keys: ["action"],
  },
  "/get-session": { method: "GET", kind: "session", keys: [], sharedWithBetterAuth: true },
  "/sign-out": { method: "POST", kind: "session", keys: [], sharedWithBetterAuth: true },
  "/update-user": { method: "POST", kind: "session", keys: ["name"], signUpFields: true, sharedWithBetterAuth: true },
  // `otp`: the fresh code an older session needs (see `freshSessionWindow`). Always the plugin's:
  // the guard checks that code in the request's one transaction.
  "/delete-user": { method: "POST", kind: "session", keys: ["callbackURL", "otp"] },
  "/convex/token": { method: "GET", kind: "session", keys: [], sharedWithBetterAuth: true },
  "/convex/jwks": { method: "GET", kind: "keys", keys: [], sharedWithBetterAuth: true },
  "/convex/.well-known/openid-configuration": { method: "GET", kind: "keys", keys: [], sharedWithBetterAuth: true },
};

/**
 * The paths the plugin answers beside `authComponent.registerRoutes`: every route that sends or
 * checks a code (turned on or not: one that is off answers 404), and `/delete-user`.
 */
export const OWN_PATHS: readonly string[] = Object.keys(ROUTES).filter((path) => !ROUTES[path]!.sharedWithBetterAuth);

/**
 * The actions a fresh code confirms, as `/email-otp/request-fresh-code` names them, and the purpose
 * of each one's code (see the `freshSessionWindow` option).
 */
export const FRESH_CODE_ACTIONS = {
  "delete-account": "delete-account",
  "change-email": "confirm-email-change",
} as const satisfies Record<string, FreshCodePurpose>;
export type FreshCodeAction = keyof typeof FRESH_CODE_ACTIONS;

/** Whether a purpose's code goes to the signed-in account's own address (not to one in the body). */
export const isFreshCodePurpose = (purpose: string): purpose is FreshCodePurpose =>
  Object.values(FRESH_CODE_ACTIONS).includes(purpose as FreshCodePurpose);

const freshCodePurpose = (action: unknown) =>
  typeof action === "string" && Object.hasOwn(FRESH_CODE_ACTIONS, action)
    ? FRESH_CODE_ACTIONS[action as FreshCodeAction]
    : undefined;

/** The purposes a code can be sent or checked for, and the optional route that turns each on. */
const PURPOSE_ROUTE: Record<OtpType, OptionalRoute | undefined> = {
  "sign-in": undefined,
  "email-verification": "email-verification",
  "forget-password": "forget-password",
  "change-email": "change-email",
  "delete-account": undefined,
  "confirm-email-change": "change-email",
};

/** A route as served for one request: its entry and the purpose its code has, if any. */
export type ServedRoute = Route & { path: string; codePurpose?: OtpType };

/**
 * The route a request asks for, if the plugin serves it with these optional routes on: the path
 * (relative to the base path) and method must match, and a purpose named in the body must be one
 * that is on. `undefined` means 404.
 */
export function servedRoute(
  path: string,
  method: string,
  body: Record<string, unknown>,
  enabled: ReadonlySet<OptionalRoute>,
): ServedRoute | undefined {
  const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (!route || route.method !== method) return undefined;
  if (route.optional && !enabled.has(route.optional)) return undefined;
  if (!route.purpose) return { ...route, path };
  const purpose =
    route.purpose === "from-body" ? body["type"] : route.purpose === "from-action" ? freshCodePurpose(body["action"]) : route.purpose;
  if (!isPurpose(purpose)) return { ...route, path };
  const needed = PURPOSE_ROUTE[purpose];
  if (needed && !enabled.has(needed)) return undefined;
  // change-email codes are sent by their own routes, never by the generic one.
  if (route.purpose === "from-body" && (purpose === "change-email" || isFreshCodePurpose(purpose))) return undefined;
  return { ...route, path, codePurpose: purpose };
}

const isPurpose = (value: unknown): value is OtpType =>
  typeof value === "string" && Object.hasOwn(PURPOSE_ROUTE, value);

/** The route a hook runs on, as the plugin serves it for this request (`undefined`: not served). */
export function routeOf(ctx: HookEndpointContext, enabled: ReadonlySet<OptionalRoute>) {
  const method = ctx.request?.method ?? ctx.method ?? "POST";
  return servedRoute(ctx.path ?? "", String(method), asRecord(ctx.body), enabled);
}

/** Routes of Better Auth's emailOTP, some of which the plugin does not serve. */
const isCodeRoute = (ctx: HookEndpointContext) =>
  /^\/(email-otp\/|sign-in\/email-otp$|forget-password\/email-otp$)/.test(ctx.path ?? "");

/**
 * The first hook: an emailOTP route or purpose that is not turned on answers 404, however the request
 * got here; and a route that sends or checks a code must come through the plugin's auth mutation,
 * where its limits, its code and its user are one transaction.
 */
export function routeGate(plugin: PluginContext<SignUpFieldsSchema>) {
  return {
    matcher: isCodeRoute,
    handler: createAuthMiddleware(async (ctx) => {
      const route = routeOf(ctx, plugin.options.routes);
      if (!route) {
        throw APIError.from("NOT_FOUND", OTP_ONBOARDING_ERROR_CODES.NOT_FOUND);
      }
      if ((route.kind === "send" || route.kind === "check") && !plugin.state()) {
        const { code } = OTP_ONBOARDING_ERROR_CODES.NOT_SERVED_BY_PLUGIN;
        throw new APIError("INTERNAL_SERVER_ERROR", {
          code,
          message: `${route.path} must be served by registerOtpRoutes(http, ...) so that it runs in one transaction`,
        });
      }
    }),
  };
}
