import type { HookEndpointContext } from "@better-auth/core";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { ROUTES } from "./routes.js";

/** The routes the plugin serves. */
const isPluginRoute = (ctx: HookEndpointContext) => Object.hasOwn(ROUTES, ctx.path ?? "");

/**
 * Every error answer of the plugin's routes carries a `code`, so clients can branch on it. A few of
 * Better Auth's answers have only a message (e.g. `{ type: "change-email" }` on the send route);
 * they get their HTTP status as the code, as Better Auth does for a body that is not JSON.
 */
export const errorAnswers = [
  {
    matcher: isPluginRoute,
    handler: createAuthMiddleware(async (ctx) => {
      const returned = ctx.context.returned;
      if (!(returned instanceof APIError)) return;
      const body = (returned.body ?? {}) as { code?: unknown; message?: unknown };
      if (typeof body.code === "string" && body.code) return;
      const code = String(returned.status);
      const message = typeof body.message === "string" && body.message ? body.message : code;
      throw new APIError(returned.status, { ...body, code, message }, returned.headers);
    }),
  },
];
