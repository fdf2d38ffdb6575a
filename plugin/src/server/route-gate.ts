import type { HookEndpointContext } from "@better-auth/core";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";
import { asRecord, type SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import type { PluginContext } from "./plugin-context.js";
import { servedRoute } from "./routes.js";

/** The route a hook runs on, as the plugin serves it for this request (`undefined`: not served). */
export function routeOf(ctx: HookEndpointContext, enabled: PluginContext<SignUpFieldsSchema>["options"]["routes"]) {
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

