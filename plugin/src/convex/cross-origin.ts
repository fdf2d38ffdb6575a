/**
 * Browsers on other origins: which pages may call the auth routes (the trusted origins), the CORS
 * answers they get (and no other page does), the redirect targets a request may name, and the
 * session such a page keeps in a header instead of a third-party cookie (the `crossDomain` option).
 */
import type { BetterAuthOptions } from "better-auth";
import type { APIError } from "better-auth/api";
import { pluginError } from "../server/answers.js";

/** What the routes read of Better Auth's context to tell a trusted origin: its own list and matcher. */
type OriginContext = {
  trustedOrigins: string[];
  isTrustedOrigin(url: string, settings?: { allowRelativePaths: boolean }): boolean;
  options: Pick<BetterAuthOptions, "trustedOrigins">;
};

/** Headers a page on a trusted origin may send: JSON, a bearer token, and the cross-domain session. */
const ALLOWED_HEADERS = "Content-Type, Authorization, Better-Auth-Cookie";
/** Headers a trusted page may read: the cross-domain session, and when to try again. */
const EXPOSED_HEADERS = "Set-Better-Auth-Cookie, Retry-After";
/** Seconds a browser may keep a preflight's answer (Chromium caps it at 2 hours). */
const PREFLIGHT_MAX_AGE = "7200";
/** The body fields Better Auth redirects to: each must be a relative path or on a trusted origin. */
const REDIRECT_FIELDS = ["callbackURL", "redirectTo", "errorCallbackURL", "newUserCallbackURL"] as const;

/** Where a request says it comes from: its `Origin`, else its `Referer` (as Better Auth reads it). */
const claimedOrigin = (request: Request) => request.headers.get("origin") || request.headers.get("referer") || undefined;

/** Whether a method changes state: everything but reads and preflights. */
export const changesState = (method: string) => !["GET", "HEAD", "OPTIONS"].includes(method);

/** Whether a request is a CORS preflight. */
export const isPreflight = (request: Request) =>
  request.method === "OPTIONS" && request.headers.has("access-control-request-method");

/**
 * Which pages may call the auth routes from a browser, and where they may be sent back to: the
 * trusted origins of the app's Better Auth options (`baseURL`, `trustedOrigins`, a function of the
 * request included, and `BETTER_AUTH_TRUSTED_ORIGINS`), matched by Better Auth's own rule. Better
 * Auth checks an `Origin` only when a cookie is sent, and not at all under test; this policy holds
 * for every request, whatever it carries.
 */
export function originPolicy(context: () => Promise<unknown>) {
  const trustedFor = async (request: Request) => {
    const ctx = (await context()) as OriginContext;
    const dynamic = ctx.options.trustedOrigins;
    if (typeof dynamic !== "function") return ctx;
    const extra = ((await dynamic(request)) ?? []).filter((origin): origin is string => typeof origin === "string" && !!origin);
    return { ...ctx, trustedOrigins: [...ctx.trustedOrigins, ...extra] };
  };
  const isTrusted = (ctx: OriginContext, url: string, allowRelativePaths: boolean) =>
    ctx.isTrustedOrigin.call(ctx, url, { allowRelativePaths });

  return {
    /**
     * The request's trusted origin (to answer with CORS headers), `null` when it names none, or the
     * 403 `INVALID_ORIGIN` it gets for naming an untrusted one (`null` included) on a route that
     * changes state or in a preflight.
     */
    async originOf(request: Request): Promise<{ trusted: string | null } | { refusal: APIError }> {
      const claimed = claimedOrigin(request);
      const refusal = () => ({ refusal: pluginError("INVALID_ORIGIN") });
      if (!claimed) return isPreflight(request) ? refusal() : { trusted: null };
      const ctx = await trustedFor(request);
      if (isTrusted(ctx, claimed, false)) return { trusted: request.headers.get("origin") ?? new URL(claimed).origin };
      return changesState(request.method) || isPreflight(request) ? refusal() : { trusted: null };
    },

    /** 403 `INVALID_CALLBACK_URL` for a redirect target that is neither a relative path nor on a trusted origin. */
    async redirectRefusal(request: Request, body: Record<string, unknown>): Promise<APIError | undefined> {
      const targets = REDIRECT_FIELDS.map((field) => body[field]).filter((target) => target !== undefined);
      if (targets.length === 0) return undefined;
      const ctx = await trustedFor(request);
      const untrusted = targets.some((target) => typeof target !== "string" || !isTrusted(ctx, target, true));
      return untrusted ? pluginError("INVALID_CALLBACK_URL") : undefined;
    },
  };
}

export type OriginPolicy = ReturnType<typeof originPolicy>;

/** The answer to a preflight from a trusted origin for a route served with `method` (`withCors` adds the rest). */
export function preflightAnswer(method: string): Response {
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-methods": method,
      "access-control-allow-headers": ALLOWED_HEADERS,
      "access-control-max-age": PREFLIGHT_MAX_AGE,
    },
  });
}

/**
 * `response` with the CORS headers a trusted origin's page needs to read it (none for any other),
 * and `Vary: Origin`, since the headers depend on it.
 */
export function withCors(response: Response, origin: string | null): Response {
  const headers = new Headers(response.headers);
  headers.append("vary", "Origin");
  if (origin) {
    headers.set("access-control-allow-origin", origin);
    headers.set("access-control-allow-credentials", "true");
    headers.set("access-control-expose-headers", EXPOSED_HEADERS);
  }
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** The request header in which `crossDomainClient()` sends the cookies it keeps in the page's storage. */
const COOKIE_HEADER = "better-auth-cookie";
/** The answer header in which it receives them: a page cannot read `Set-Cookie`, nor keep a third-party cookie. */
const SET_COOKIE_HEADER = "set-better-auth-cookie";

/**
 * The session of a page on another origin, kept by `crossDomainClient()` (the `crossDomain`
 * option; `enabled: false` leaves every request as it came). The page's cookies travel as a
 * header both ways and are, inside, exactly the cookies a first-party page would send: every check
 * Better Auth makes of a cookie session (its signature, the `Origin` of a request that carries one)
 * applies to them.
 */
export function headerSession(enabled: boolean) {
  return {
    /**
     * Whether `request` keeps its session in the header: it sends one, from a trusted page
     * (`trusted`) or from no page at all (a server). An untrusted page's header is not read.
     */
    uses: (request: Request, trusted: string | null) =>
      enabled && request.headers.has(COOKIE_HEADER) && (trusted !== null || !claimedOrigin(request)),

    /**
     * The headers Better Auth reads: for a request that `uses` the header, its cookies become the
     * only `Cookie` (one session, never two to choose from), unless a bearer token names the
     * session; the header itself never goes further.
     */
    requestHeaders(headers: Headers, used: boolean): Headers {
      if (!enabled) return headers;
      const cookies = headers.get(COOKIE_HEADER);
      headers.delete(COOKIE_HEADER);
      if (!used || headers.has("authorization")) return headers;
      headers.delete("cookie");
      if (cookies) headers.set("cookie", cookies);
      return headers;
    },

    /**
     * The answer: for a request that `uses` the header, its cookies move to `Set-Better-Auth-Cookie`
     * (as `crossDomainClient()` reads them: the `Set-Cookie` lines joined); and `Vary:
     * Better-Auth-Cookie` on every answer, since the header changes it.
     */
    answer(response: Response, used: boolean): Response {
      if (!enabled) return response;
      const headers = new Headers(response.headers);
      headers.append("vary", "Better-Auth-Cookie");
      const cookies = used ? headers.get("set-cookie") : null;
      if (cookies) {
        headers.delete("set-cookie");
        headers.set(SET_COOKIE_HEADER, cookies);
      }
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    },
  };
}
