import type { CommitFeed } from "./commits.js";
import { convexHttpApi } from "./convex-http-api.js";
import type { Deployment, FunctionKind } from "./deployment.js";
import { mailboxJson, mailboxPage } from "./dev-mailbox.js";
import { httpActions } from "./http-actions.js";
import type { Route } from "./server.js";
import { staticFiles } from "./static-files.js";
import type { TokenVerifier } from "./token-verifier.js";

const CONVEX_API: Record<string, FunctionKind> = {
  "/api/query": "query",
  "/api/mutation": "mutation",
  "/api/action": "action",
};

const CORS_PREFLIGHT = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "Content-Type, Authorization, Convex-Client",
};

/** Convex's HTTP API: `POST /api/query|mutation|action`, callable from any origin as on a deployment. */
function convexApiRoute(deployment: Deployment, verifyToken: TokenVerifier, commits: CommitFeed): Route {
  const call = convexHttpApi(deployment, verifyToken, commits);
  return (request) => {
    const kind = CONVEX_API[new URL(request.url).pathname];
    if (!kind) return undefined;
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_PREFLIGHT });
    if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405 });
    return call(kind, request);
  };
}

/** The dev mailbox page and its JSON twin. */
function devMailboxRoute(): Route {
  return (request) => {
    if (request.method !== "GET") return undefined;
    const { pathname } = new URL(request.url);
    if (pathname === "/dev/mailbox") return mailboxPage();
    if (pathname === "/dev/mailbox.json") return mailboxJson();
    return undefined;
  };
}

/**
 * Better Auth (and the app's other cookies) are bound to one origin: a page opened under another
 * host name (`localhost` for `127.0.0.1`) is sent to the canonical one.
 */
function canonicalHostRoute(origin: string): Route {
  const canonical = new URL(origin);
  return (request) => {
    const url = new URL(request.url);
    const host = request.headers.get("host");
    if (request.method !== "GET" || !host || host === canonical.host) return undefined;
    return Response.redirect(new URL(`${url.pathname}${url.search}`, canonical), 307);
  };
}

/** Everything the runtime serves, in the order it is tried. */
export function runtimeRoutes(options: {
  origin: string;
  deployment: Deployment;
  verifyToken: TokenVerifier;
  commits: CommitFeed;
  devMailbox: boolean;
  appDir: string;
}): Route[] {
  const { deployment, verifyToken, commits } = options;
  return [
    canonicalHostRoute(options.origin),
    convexApiRoute(deployment, verifyToken, commits),
    ...(options.devMailbox ? [devMailboxRoute()] : []),
    httpActions(deployment, commits),
    staticFiles(options.appDir),
  ];
}
