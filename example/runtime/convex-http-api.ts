import { randomBytes } from "node:crypto";
import { makeFunctionReference } from "convex/server";
import { convexToJson, jsonToConvex, type JSONValue, type Value } from "convex/values";
import { FunctionNotFound, type Deployment, type FunctionKind } from "./deployment.js";
import { describeError, logFunctionFailure } from "./log.js";
import { AuthRefused, type TokenVerifier } from "./token-verifier.js";

// The status a deployment answers when the function itself failed (the client reads its body).
const STATUS_CODE_UDF_FAILED = 560;
const LETTER = { query: "Q", mutation: "M", action: "A" } as const;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "access-control-allow-origin": "*" },
  });

const badRequest = (code: string, message: string) => json(400, { code, message });

// By its brand rather than `instanceof`: the function may have thrown another copy's ConvexError.
const isConvexError = (error: unknown): error is { data: Value } =>
  typeof error === "object" && error !== null && Symbol.for("ConvexError") in error;

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
 * with 401 before the function runs.
 */
export function convexHttpApi(deployment: Deployment, verifyToken: TokenVerifier) {
  return async function handle(kind: FunctionKind, request: Request): Promise<Response> {
    const call = parseCall(await request.json().catch(() => undefined));
    if (!call) return badRequest("BadJsonBody", "Expected { path, format, args } as a JSON object.");

    let runner: Pick<Deployment["t"], "query" | "mutation" | "action"> = deployment.t;
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
        runner = deployment.t.withIdentity(await verifyToken(token));
      } catch (error) {
        if (error instanceof AuthRefused) return json(error.status, error);
        throw error;
      }
    }

    const encodedArgs = Array.isArray(call.args) ? call.args[0] : call.args;
    const requestId = randomBytes(8).toString("hex");
    try {
      await deployment.publicFunction(call.path, kind);
      const args = jsonToConvex(encodedArgs ?? {}) as Record<string, unknown>;
      const run = {
        query: () => runner.query(makeFunctionReference<"query">(call.path), args),
        mutation: () => runner.mutation(makeFunctionReference<"mutation">(call.path), args),
        action: () => runner.action(makeFunctionReference<"action">(call.path), args),
      }[kind];
      const value = await run();
      return json(200, { status: "success", value: convexToJson(value ?? null), logLines: [] });
    } catch (error) {
      logFunctionFailure(LETTER[kind], call.path, error);
      const errorMessage =
        error instanceof FunctionNotFound
          ? error.message
          : `[Request ID: ${requestId}] Server Error\nUncaught ${describeError(error)}`;
      const errorData = isConvexError(error) ? { errorData: convexToJson(error.data) } : {};
      return json(STATUS_CODE_UDF_FAILED, {
        status: "error",
        errorMessage,
        ...errorData,
        logLines: [],
      });
    }
  };
}

export type ConvexHttpApi = ReturnType<typeof convexHttpApi>;
