import type { RoutableMethod } from "convex/server";
import type { CommitFeed } from "./commits.js";
import type { Deployment } from "./deployment.js";
import { logFunctionFailure } from "./log.js";
import type { RequestClient } from "./server.js";

/**
 * The app's HTTP actions (`convex/http.ts`), served on this origin for every path its router
 * knows (Better Auth's `/api/auth/*` among them). Returns `undefined` for paths it does not route.
 * The action sees the client's address in `ctx.meta.getRequestMetadata()`, as on a deployment, so
 * per-IP limits hold here too. What an HTTP action writes (a sign-in's session, a sign-out) is
 * announced to `commits`.
 */
export function httpActions(deployment: Deployment, commits: CommitFeed) {
  return async function route(request: Request, client: RequestClient): Promise<Response | undefined> {
    const url = new URL(request.url);
    // The app's own router decides, as on a deployment: exact paths, then the longest prefix.
    if (!deployment.httpRouter?.lookup(url.pathname, request.method as RoutableMethod)) return undefined;
    const name = `${request.method} ${url.pathname}`;
    try {
      const caller = client.ip ? deployment.t.withRequestMetadata({ ip: client.ip }) : deployment.t;
      // The body as it arrives, read only as far as the action reads it: a body refused by its
      // declared length is never held (Node's types omit `duplex`, which a streamed body requires).
      const init = { method: request.method, headers: request.headers, body: request.body, duplex: "half" };
      return await caller.fetch(`${url.pathname}${url.search}`, init as RequestInit);
    } catch (error) {
      logFunctionFailure("H", name, error);
      return new Response("Internal Server Error", { status: 500 });
    } finally {
      await commits.afterWrite();
    }
  };
}
