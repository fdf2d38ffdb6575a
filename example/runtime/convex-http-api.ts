import type { UserIdentity } from "convex/server";
import type { JSONValue } from "convex/values";
import type { CommitFeed } from "./commits.js";
import type { Deployment, FunctionKind } from "./deployment.js";
import { callPublicFunction, logCallFailure } from "./function-calls.js";
import { AuthRefused, type TokenVerifier } from "./token-verifier.js";

// The status a deployment answers when the function itself failed (the client reads its body).
const STATUS_CODE_UDF_FAILED = 560;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "access-control-allow-origin": "*" },
  });

const badRequest = (code: string, message: string) => json(400, { code, message });

type CallBody = { path: string; args: JSONValue[] | JSONValue; format?: string };

function parseCall(body: unknown): CallBody | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const { path, args, format } = body as Record<string, unknown>;
  if (typeof path !== "string") return undefined;
  if (format !== undefined && format !== "convex_encoded_json" && format !== "json") return undefined;
  return { path, args: (args ?? {}) as JSONValue, format: format as string | undefined };
}

/**
 * Convex's HTTP API (`POST /api/query`, `/api/mutation`, `/api/action`), as `ConvexHttpClient`
 * calls it: `{ path, format: "convex_encoded_json", args: [args] }` in; `{ status: "success", value }`
 * or, with status 560, `{ status: "error", errorMessage, errorData? }` out. A bad token is refused
 * with 401 before the function runs. Mutations and actions announce their commits to `commits`.
 */
export function convexHttpApi(deployment: Deployment, verifyToken: TokenVerifier, commits: CommitFeed) {
  return async function handle(kind: FunctionKind, request: Request): Promise<Response> {
    const body = parseCall(await request.json().catch(() => undefined));
    if (!body) return badRequest("BadJsonBody", "Expected { path, format, args } as a JSON object.");

    let identity: UserIdentity | undefined;
    const authorization = request.headers.get("authorization");
    if (authorization) {
      const token = /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
      if (!token) {
        return json(401, {
          code: "InvalidAuthHeader",
          message: "Authorization header must be 'Bearer <token>'. Admin keys are not supported here.",
        });
      }
      try {
        identity = await verifyToken(token);
      } catch (error) {
        if (error instanceof AuthRefused) return json(error.status, error);
        throw error;
      }
    }

    const args = (Array.isArray(body.args) ? body.args[0] : body.args) ?? {};
    const call = { kind, path: body.path, args, identity };
    const outcome = await callPublicFunction(deployment, call);
    if (kind !== "query") await commits.afterWrite();
    if (outcome.success) return json(200, { status: "success", value: outcome.value, logLines: [] });
    logCallFailure(call, outcome);
    const { errorMessage, errorData } = outcome;
    return json(STATUS_CODE_UDF_FAILED, { status: "error", errorMessage, errorData, logLines: [] });
  };
}

export type ConvexHttpApi = ReturnType<typeof convexHttpApi>;
