/**
 * The HTTP routes: `registerOtpRoutes` and the HTTP action that serves `/api/auth/*` as an outsider
 * may call it. It reads the request (a bounded body of declared keys, the client IP), makes the
 * secrets a mutation cannot (the code, the session token), runs the auth mutation, and mails the
 * code once that has committed.
 */
import { getIPFromHeader, normalizeIP } from "@better-auth/core/utils/ip";
import type { BetterAuthOptions } from "better-auth";
import { APIError } from "better-auth/api";
import {
  getFunctionName,
  httpActionGeneric,
  type FunctionReference,
  type GenericActionCtx,
  type HttpRouter,
  type PublicHttpAction,
} from "convex/server";
import { deliver, deliverNotice } from "../mail/capture.js";
import type { SignUpNotice } from "../mail/notice.js";
import { isMailRefused, maskEmail, type OtpMail, type OtpSender, type OtpType } from "../mail/sender.js";
import { pluginError } from "../server/answers.js";
import { OWN_PATHS, servedRoute } from "../server/routes.js";
import { codedErrorData } from "../shared/convex-error.js";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";
import {
  errorResponse,
  fromAuthResponse,
  otpPluginOptions,
  ROLLED_BACK,
  SIGNING_KEY_MISSING,
  type AuthRequestArgs,
  type AuthRequestResult,
  type AuthResponse,
  type CreateAuth,
} from "./auth-request.js";
import { headerSession, isPreflight, originPolicy, preflightAnswer, withCors } from "./cross-origin.js";

/** The largest body a route takes: its fields are short, and every sign-up field is bounded by its schema. */
export const MAX_BODY_BYTES = 16 * 1024;
/** How deep a body may nest: the routes take flat objects; one level more leaves room for a client's extras. */
export const MAX_BODY_DEPTH = 2;

const tooLarge = () => pluginError("BODY_TOO_LARGE", { message: `The body may have at most ${MAX_BODY_BYTES} bytes` });

/** How deeply `value` nests objects and arrays, counted without recursion, stopping past `limit`. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== "object") continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** The body's bytes as text, read no further than `limit` bytes: `undefined` past it (the rest stays unread). */
async function textOfAtMost(request: Request, limit: number): Promise<string | undefined> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(read.value);
  }
  const bytes = new Uint8Array(size);
  chunks.reduce((offset, chunk) => (bytes.set(chunk, offset), offset + chunk.byteLength), 0);
  return new TextDecoder().decode(bytes);
}

/**
 * The JSON object a request carries, read before anything else sees it: at most
 * {@link MAX_BODY_BYTES} (413 `BODY_TOO_LARGE`), JSON, an object, nested at most
 * {@link MAX_BODY_DEPTH} deep (400 `INVALID_BODY`). A GET, or an empty body, is `{}`.
 */
export async function readRequestBody(request: Request): Promise<Record<string, unknown>> {
  if (request.method === "GET" || request.method === "HEAD") return {};
  const declared = Number(request.headers.get("content-length"));
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  // Read no further than the cap: a body sent without its length (chunked) is never held whole.
  const text = await textOfAtMost(request, MAX_BODY_BYTES);
  if (text === undefined) throw tooLarge();
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw pluginError("INVALID_BODY", { message: "The body is not JSON" });
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw pluginError("INVALID_BODY", { message: "The body must be a JSON object" });
  }
  if (depthOf(body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
    throw pluginError("INVALID_BODY", { message: `The body may nest at most ${MAX_BODY_DEPTH} levels deep` });
  }
  return body as Record<string, unknown>;
}

/** 400 `UNKNOWN_FIELD` for keys a route does not take, named in `fields`: refused before any code is touched. */
export function unknownFields(body: Record<string, unknown>, allowed: ReadonlySet<string>): APIError | undefined {
  const unknown = Object.keys(body).filter((key) => !allowed.has(key));
  if (unknown.length === 0) return undefined;
  const { message } = OTP_ONBOARDING_ERROR_CODES.UNKNOWN_FIELD;
  return pluginError("UNKNOWN_FIELD", { message: `${message}: ${unknown.join(", ")}`, fields: unknown });
}

/** The part of a Convex ctx that knows the caller: `ctx.meta.getRequestMetadata()` (convex ≥ 1.38). */
export type RequestMetaCtx = {
  meta?: { getRequestMetadata?: () => Promise<{ ip: string | null }> } | object;
};

/**
 * Whether Convex saw the request come from one of `trustedProxies` (IPs or CIDR ranges). Better
 * Auth's reading of a forwarded chain skips trusted hops, so a one-hop chain of a trusted address
 * names no client.
 */
const fromTrustedProxy = (seen: string, trustedProxies: string[]) =>
  trustedProxies.length > 0 && getIPFromHeader(seen, { trustedProxies }) === null;

/**
 * The client IP of the request, as the per-IP limits key it, or `null` if it is unknown (unknown
 * IPs then share one stricter budget: they never skip a limit).
 *
 * - The address Convex itself saw (`ctx.meta.getRequestMetadata()`), which a client cannot forge.
 *   A header such as `x-forwarded-for` is not read: the `.convex.site` URL is public, so anyone
 *   can skip a proxy in front of it and write the header themselves.
 * - Except when that address is one of your proxies: with `advanced.ipAddress.ipAddressHeaders`
 *   and `trustedProxies` both set, a request that comes from a trusted proxy is counted by the
 *   first of those headers that names a client (a chain read from the right, trusted hops
 *   skipped). A trusted proxy that names no readable client gives `null`. Without
 *   `trustedProxies` the headers are never read.
 *
 * IPv6 addresses are reduced to their /64 subnet (Better Auth's `ipv6Subnet`), which one client
 * typically owns whole. `disableIpTracking` makes every IP unknown.
 */
export async function clientIp(
  convexCtx: RequestMetaCtx,
  request: Request | undefined,
  options: Pick<BetterAuthOptions, "advanced">,
): Promise<string | null> {
  const ipOptions = options.advanced?.ipAddress;
  if (ipOptions?.disableIpTracking) return null;
  const subnet = ipOptions?.ipv6Subnet !== undefined ? { ipv6Subnet: ipOptions.ipv6Subnet } : {};
  const meta = convexCtx.meta as
    { getRequestMetadata?: () => Promise<{ ip: string | null }> } | undefined;
  // Queries have no request metadata, and older Convex runtimes no `meta`: both mean "unknown".
  const seen = await meta?.getRequestMetadata?.().then(
    (m) => m.ip,
    () => null,
  );
  if (!seen) return null;
  const trustedProxies = ipOptions?.trustedProxies ?? [];
  if (!ipOptions?.ipAddressHeaders?.length || !fromTrustedProxy(seen, trustedProxies)) return normalizeIP(seen, subnet);

  for (const header of ipOptions.ipAddressHeaders) {
    const value = request?.headers.get(header);
    const ip = value ? getIPFromHeader(value, { ...subnet, trustedProxies }) : null;
    if (ip) return ip;
  }
  return null;
}

// Secrets are made here, in the HTTP action, where `crypto.getRandomValues` is the platform's
// generator; a Convex query or mutation only has a generator seeded per execution.

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `length` characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias). */
function randomString(length: number, alphabet: string): string {
  const limit = 256 - (256 % alphabet.length);
  let result = "";
  while (result.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit && result.length < length) result += alphabet[byte % alphabet.length];
    }
  }
  return result;
}

/** A one-time code of `digits` decimal digits. */
export const randomCode = (digits: number) => randomString(digits, "0123456789");

/** A session token as Better Auth makes them: 32 letters and digits. */
export const randomSessionToken = () => randomString(32, ALPHANUMERIC);

/**
 * Sends a code mail (or the sign-up policy's notice in its place) from the HTTP action, after the
 * code was stored. Returns the client's answer when the mail did not leave: the sender's own
 * `APIError`, else 503 `OTP_DELIVERY_FAILED` (the cause logged, the address masked, the code never).
 * A notice fails exactly as a code would, so its answer tells nothing a code's would not.
 */
export async function deliverCode(sender: OtpSender, mail: OtpMail | SignUpNotice): Promise<APIError | undefined> {
  try {
    if ("kind" in mail) await deliverNotice(sender, mail);
    else await deliver(sender, mail);
    return undefined;
  } catch (error) {
    if (error instanceof APIError) return error;
    const reason = error instanceof Error ? error.message : String(error);
    const what = "kind" in mail ? `${mail.kind} notice` : `${mail.type} code`;
    console.error(`[otp-onboarding] ${what} mail to ${maskEmail(mail.to)} not sent: ${reason}`);
    return APIError.from(ERROR_STATUS.OTP_DELIVERY_FAILED, OTP_ONBOARDING_ERROR_CODES.OTP_DELIVERY_FAILED);
  }
}

/** Options of {@link registerOtpRoutes}. */
export type OtpRoutesOptions = {
  /** Your `createAuth`, the same one `authRequestMutation(createAuth)` was given. */
  createAuth: CreateAuth;
  /** The auth mutation: `internal.auth.authRequest`. */
  authRequest: FunctionReference<"mutation", "internal", AuthRequestArgs, AuthRequestResult>;
  /**
   * Serve only the routes of the email-code flow, beside `authComponent.registerRoutes(http, createAuth)`,
   * which keeps serving every other route under the base path (passwords, social sign-in, the
   * session routes). The plugin's paths are exact, so they win over that handler's path prefix, in
   * either order of registration. See docs/install.md ("An app already on Better Auth").
   * @default false: the plugin serves the whole base path, and what the flow does not use answers 404
   */
  besideRegisterRoutes?: boolean;
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
  const plugin = otpPluginOptions(auth);
  const { crossDomain } = plugin;
  if (crossDomain && !/^https?:\/\//.test(crossDomain.siteUrl)) {
    throw new Error(`convex-otp-onboarding: crossDomain.siteUrl must be the app's absolute URL (got "${crossDomain.siteUrl}")`);
  }
  if (crossDomain && auth.options.plugins?.some((candidate) => candidate.id === "cross-domain")) {
    throw new Error("convex-otp-onboarding: use the crossDomain option or @convex-dev/better-auth's crossDomain plugin, not both");
  }
  return {
    plugin,
    basePath: auth.options.basePath ?? "/api/auth",
    authOptions: auth.options,
    origins: originPolicy(() => auth.$context),
    sessions: headerSession(crossDomain !== undefined),
    codeLink: codeLinkOf(plugin.codeLink, crossDomain?.siteUrl ?? auth.options.baseURL),
  };
}

/**
 * The page a mail's link opens (a relative `url` resolved against the app's `site`), or
 * `undefined` when mails carry the code alone.
 */
export function codeLinkOf(option: ReturnType<typeof otpPluginOptions>["codeLink"], site: unknown) {
  if (option === false) return undefined;
  const base = typeof site === "string" && URL.canParse(site) ? site : undefined;
  if (option.url) return base && !URL.canParse(option.url) ? new URL(option.url, base).href : option.url;
  return base ? `${new URL(base).origin}/code` : undefined;
}

/** The link for one code: the page, with the address, code and purpose in its fragment only. */
const linkFor = (page: string, { to, otp, type }: { to: string; otp: string; type: string }) =>
  `${page.split("#")[0]}#${new URLSearchParams({ email: to, otp, type })}`;
type Registration = ReturnType<typeof registrationOf>;

type Call = Extract<AuthRequestArgs["op"], { kind: "request" }>;

/**
 * The route a request asks for, with its bounded body of declared keys only, or the JSON refusal:
 * `413`/`400` for a body too large or too deep, `404` for a route the app has not turned on,
 * `400 UNKNOWN_FIELD` for keys the route does not take. Nothing has been read or written yet.
 */
async function routeOf(request: Request, { plugin, basePath, origins }: Registration) {
  const path = new URL(request.url).pathname.slice(basePath.length);
  if (isPreflight(request)) {
    const method = request.headers.get("access-control-request-method") ?? "";
    const route = servedRoute(path, method, {}, plugin.routes);
    return route ? { route, body: {}, preflight: true } : answer(APIError.from("NOT_FOUND", OTP_ONBOARDING_ERROR_CODES.NOT_FOUND));
  }
  let body: Record<string, unknown>;
  try {
    body = await readRequestBody(request);
  } catch (error) {
    if (error instanceof APIError) return answer(error);
    throw error;
  }
  const route = servedRoute(path, request.method, body, plugin.routes);
  if (!route) return answer(APIError.from("NOT_FOUND", OTP_ONBOARDING_ERROR_CODES.NOT_FOUND));
  const allowed = new Set([...route.keys, ...(route.signUpFields ? Object.keys(plugin.fields.shape) : [])]);
  const refusal = unknownFields(body, allowed) ?? (await origins.redirectRefusal(request, body));
  return refusal ? answer(refusal) : { route, body, preflight: false };
}

/**
 * The auth mutation's answer to `call`, a rolled-back request's included. On a deployment's first
 * JWT the mutation finds no signing key and rolls back: the key is made here (a mutation cannot)
 * and the request runs again.
 */
async function runInMutation(ctx: GenericActionCtx<any>, options: OtpRoutesOptions, call: Call, basePath: string) {
  const run = async () => {
    try {
      return await ctx.runMutation(options.authRequest, { op: call });
    } catch (error) {
      const data = codedErrorData(error);
      if (data?.code === ROLLED_BACK) return fromAuthResponse(data["response"] as AuthResponse);
      if (data?.code === SIGNING_KEY_MISSING) return SIGNING_KEY_MISSING;
      throw error;
    }
  };
  const first = await run();
  if (first !== SIGNING_KEY_MISSING) return first;
  await options.createAuth(ctx).handler(new Request(new URL(`${basePath}/convex/jwks`, call.url), { method: "GET" }));
  const again = await run();
  if (again === SIGNING_KEY_MISSING) throw new Error("convex-otp-onboarding: the JWT signing key could not be made");
  return again;
}

/**
 * One request to `/api/auth/*`, as an outsider may send it: its origin checked first (an untrusted
 * page changes nothing, and reads nothing: CORS headers go to trusted origins only), then routed
 * and bounded, then its database work in the auth mutation, and its code mail sent from here once
 * that has committed. A mail that does not leave takes its own code with it; what its send spent
 * stays spent.
 */
async function serveAuthRequest(
  ctx: GenericActionCtx<any>,
  request: Request,
  options: OtpRoutesOptions,
  registration: Registration,
) {
  const { origins, sessions } = registration;
  const origin = await origins.originOf(request);
  if ("refusal" in origin) return withCors(sessions.answer(answer(origin.refusal), false), null);
  const byHeader = sessions.uses(request, origin.trusted);
  const response = await serveFromTrustedPage(ctx, request, options, registration, byHeader);
  return withCors(sessions.answer(response, byHeader), origin.trusted);
}

async function serveFromTrustedPage(
  ctx: GenericActionCtx<any>,
  request: Request,
  options: OtpRoutesOptions,
  registration: Registration,
  sessionByHeader: boolean,
) {
  const routed = await routeOf(request, registration);
  if (routed instanceof Response) return routed;
  const { route, body, preflight } = routed;
  if (preflight) return preflightAnswer(route.method);
  // The JWT's public keys are read by Convex itself; they may need a key made, which only an action can.
  if (route.kind === "keys") return await options.createAuth(ctx).handler(request);

  const { plugin, basePath } = registration;
  const ip = await clientIp(ctx, request, registration.authOptions);
  const otp = randomCode(plugin.otpLength);
  const result = await runInMutation(ctx, options, {
    kind: "request",
    method: request.method,
    url: request.url,
    headers: [...registration.sessions.requestHeaders(withForwardedHeaders(request), sessionByHeader).entries()],
    ...(request.method === "GET" ? {} : { body: JSON.stringify(body) }),
    ip,
    otp,
    sessionToken: randomSessionToken(),
    self: getFunctionName(options.authRequest),
  }, basePath);
  if (result instanceof Response) return result;
  if (!result) {
    throw new Error("convex-otp-onboarding: the auth mutation gave no answer");
  }

  if (result.mail) {
    const { to, type, identifier, code, cleanup, notice } = result.mail;
    const expiresInMinutes = Math.round(plugin.expiresIn / 60);
    const link = !notice && registration.codeLink && linkFor(registration.codeLink, { to, otp, type });
    const failed = notice
      ? await deliverCode(plugin.sender, { kind: notice, to, appName: plugin.appName })
      : await deliverCode(plugin.sender, {
          to,
          otp,
          type: type as OtpType,
          expiresInMinutes,
          appName: plugin.appName,
          ...(link ? { link } : {}),
        });
    if (failed) {
      const dropped = { email: to, purpose: type, identifier, code, ...(cleanup ? { cleanup } : {}), refusedForGood: isMailRefused(failed) };
      await ctx.runMutation(options.authRequest, { op: { kind: "undelivered", ...dropped } });
      return answer(failed);
    }
  }
  return fromAuthResponse(result.response);
}

// Every method Convex routes, so that what the flow does not use answers a JSON 404 with a code.
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** The whole base path: the plugin alone serves Better Auth. */
function routeBasePath(http: HttpRouter, basePath: string, handler: PublicHttpAction) {
  if (http.lookup(`${basePath}/`, "GET") || http.lookup(`${basePath}/`, "POST")) {
    throw new Error(
      `convex-otp-onboarding: ${basePath}/ is already served (by authComponent.registerRoutes?). To keep it ` +
        "for your other sign-in methods, pass `besideRegisterRoutes: true` to registerOtpRoutes; to sign in " +
        "by email code alone, remove it.",
    );
  }
  for (const method of METHODS) http.route({ pathPrefix: `${basePath}/`, method, handler });
}

/**
 * The exact paths of the plugin's own routes, beside `authComponent.registerRoutes`: Convex matches
 * an exact path before a prefix, whichever was registered first.
 */
function routeOwnPaths(http: HttpRouter, { plugin, basePath }: Registration, handler: PublicHttpAction) {
  if (plugin.crossDomain) {
    // The option keeps the header session on the plugin's routes only; Better Auth's would not read it.
    throw new Error(
      "convex-otp-onboarding: the crossDomain option serves pages on another origin on the plugin's routes " +
        "only, and beside registerRoutes the session routes are Better Auth's: use @convex-dev/better-auth's " +
        "crossDomain plugin instead (both handlers run it), with registerRoutes(http, createAuth, { cors: true }).",
    );
  }
  for (const path of OWN_PATHS) for (const method of METHODS) http.route({ path: `${basePath}${path}`, method, handler });
}

/**
 * Serves Better Auth under `/api/auth/*` through the plugin: the routes of the email-code flow and
 * the session routes, each request's database work in one transaction (the auth mutation), the
 * code mail sent once it has committed. Every other path answers 404. Use it instead of
 * `authComponent.registerRoutes`, or beside it with `besideRegisterRoutes: true` when the app
 * keeps other sign-in methods (then the plugin answers only the routes of its flow).
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
  if (options.besideRegisterRoutes) routeOwnPaths(http, registration, handler);
  else routeBasePath(http, basePath, handler);
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
