import { APIError } from "better-auth/api";
import {
  getFunctionName,
  httpActionGeneric,
  type FunctionReference,
  type GenericActionCtx,
  type HttpRouter,
} from "convex/server";
import type { OtpType } from "../mail/sender.js";
import { servedRoute } from "../server/routes.js";
import { codedErrorData } from "../shared/convex-error.js";
import { OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";
import {
  otpPluginOptions,
  ROLLED_BACK,
  type AuthRequestArgs,
  type AuthRequestResult,
  type CreateAuth,
} from "./auth-request.js";
import { errorResponse, fromAuthResponse, type AuthResponse } from "./auth-response.js";
import { clientIp } from "./client-ip.js";
import { deliverCode } from "./otp-delivery.js";
import { randomCode, randomSessionToken } from "./random-secrets.js";
import { readRequestBody, unknownFields } from "./request-body.js";

/** Options of {@link registerOtpRoutes}. */
export type OtpRoutesOptions = {
  /** Your `createAuth`, the same one `authRequestMutation(createAuth)` was given. */
  createAuth: CreateAuth;
  /** The auth mutation: `internal.auth.authRequest`. */
  authRequest: FunctionReference<"mutation", "internal", AuthRequestArgs, AuthRequestResult>;
};

/** Copies a proxy's original host and protocol back, as `@convex-dev/better-auth` does for its routes. */
function withForwardedHeaders(request: Request): Headers {
  const headers = new Headers(request.headers);
  const host = headers.get("x-better-auth-forwarded-host");
  const proto = headers.get("x-better-auth-forwarded-proto");
  if (host) headers.set("x-forwarded-host", host);
  if (proto) headers.set("x-forwarded-proto", proto);
  headers.delete("content-length");
  return headers;
}

const answer = (error: APIError) => fromAuthResponse(errorResponse(error));

/**
 * What the routes read of the app's auth options, once: they do not depend on the request, and
 * Better Auth proper runs only in the auth mutation.
 */
function registrationOf(createAuth: CreateAuth) {
  const auth = createAuth({});
  return {
    plugin: otpPluginOptions(auth),
    basePath: auth.options.basePath ?? "/api/auth",
    authOptions: auth.options,
  };
}
type Registration = ReturnType<typeof registrationOf>;

type Call = Extract<AuthRequestArgs["op"], { kind: "request" }>;

/**
 * The route a request asks for, with its bounded body of declared keys only, or the JSON refusal:
 * `413`/`400` for a body too large or too deep, `404` for a route the app has not turned on,
 * `400 UNKNOWN_FIELD` for keys the route does not take. Nothing has been read or written yet.
 */
async function routeOf(request: Request, { plugin, basePath }: Registration) {
  let body: Record<string, unknown>;
  try {
    body = await readRequestBody(request);
  } catch (error) {
    if (error instanceof APIError) return answer(error);
    throw error;
  }
  const path = new URL(request.url).pathname.slice(basePath.length);
  const route = servedRoute(path, request.method, body, plugin.routes);
  if (!route) return answer(APIError.from("NOT_FOUND", OTP_ONBOARDING_ERROR_CODES.NOT_FOUND));
  const allowed = new Set([...route.keys, ...(route.signUpFields ? Object.keys(plugin.fields.shape) : [])]);
  const unknown = unknownFields(body, allowed);
  return unknown ? answer(unknown) : { route, body };
}

/**
 * The auth mutation's answer to `call`, a rolled-back request's included. On a deployment's first
 * JWT the mutation finds no signing key: it is made here (a mutation cannot create keys) and the
 * request runs again.
 */
async function runInMutation(ctx: GenericActionCtx<any>, options: OtpRoutesOptions, call: Call, basePath: string) {
  const run = async () => {
    try {
      return await ctx.runMutation(options.authRequest, { op: call });
    } catch (error) {
      const data = codedErrorData(error);
      if (data?.code === ROLLED_BACK) return fromAuthResponse(data["response"] as AuthResponse);
      throw error;
    }
  };
  const first = await run();
  if (!first || !("signingKeyMissing" in first)) return first;
  await options.createAuth(ctx).handler(new Request(new URL(`${basePath}/convex/jwks`, call.url), { method: "GET" }));
  return await run();
}

/**
 * One request to `/api/auth/*`, as an outsider may send it: routed and bounded first, then its
 * database work in the auth mutation, and its code mail sent from here once that has committed.
 * A mail that does not leave takes its code and what its send spent back with it.
 */
async function serveAuthRequest(
  ctx: GenericActionCtx<any>,
  request: Request,
  options: OtpRoutesOptions,
  registration: Registration,
) {
  const routed = await routeOf(request, registration);
  if (routed instanceof Response) return routed;
  const { route, body } = routed;
  // The JWT's public keys are read by Convex itself; they may need a key made, which only an action can.
  if (route.kind === "keys") return await options.createAuth(ctx).handler(request);

  const { plugin, basePath } = registration;
  const ip = await clientIp(ctx, request, registration.authOptions);
  const otp = randomCode(plugin.otpLength);
  const result = await runInMutation(ctx, options, {
    kind: "request",
    method: request.method,
    url: request.url,
    headers: [...withForwardedHeaders(request).entries()],
    ...(request.method === "GET" ? {} : { body: JSON.stringify(body) }),
    ip,
    otp,
    sessionToken: randomSessionToken(),
    self: getFunctionName(options.authRequest),
    signsJwt: route.signsJwt === true,
  }, basePath);
  if (result instanceof Response) return result;
  if (!result || "signingKeyMissing" in result) {
    throw new Error("convex-otp-onboarding: the auth mutation gave no answer");
  }

  if (result.mail) {
    const { to, type, identifier } = result.mail;
    const expiresInMinutes = Math.round(plugin.expiresIn / 60);
    const failed = await deliverCode(plugin.sender, { to, otp, type: type as OtpType, expiresInMinutes, appName: plugin.appName });
    if (failed) {
      await ctx.runMutation(options.authRequest, { op: { kind: "refundSend", identifier, email: to, purpose: type, ip } });
      return answer(failed);
    }
  }
  return fromAuthResponse(result.response);
}

/**
 * Serves Better Auth under `/api/auth/*` through the plugin: the routes of the email-code flow and
 * the session routes, each request's database work in one transaction (the auth mutation), the
 * code mail sent once it has committed. Every other path answers 404. Use it instead of
 * `authComponent.registerRoutes`.
 *
 * ```ts
 * // convex/http.ts
 * const http = httpRouter();
 * registerOtpRoutes(http, { createAuth, authRequest: internal.auth.authRequest });
 * export default http;
 * ```
 */
export function registerOtpRoutes(http: HttpRouter, options: OtpRoutesOptions) {
  const registration = registrationOf(options.createAuth);
  const { basePath } = registration;
  const handler = httpActionGeneric((ctx, request) => serveAuthRequest(ctx, request, options, registration));
  // Every method Convex routes, so that what the flow does not use answers a JSON 404 with a code.
  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const) {
    http.route({ pathPrefix: `${basePath}/`, method, handler });
  }
  if (!http.lookup("/.well-known/openid-configuration", "GET")) {
    // Where OpenID clients look first; Better Auth keeps the configuration under the base path.
    http.route({
      path: "/.well-known/openid-configuration",
      method: "GET",
      handler: httpActionGeneric(async () =>
        Response.redirect(`${process.env["CONVEX_SITE_URL"]}${basePath}/convex/.well-known/openid-configuration`),
      ),
    });
  }
}
