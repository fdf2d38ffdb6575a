import { randomBytes } from "node:crypto";
import { makeFunctionReference, type UserIdentity } from "convex/server";
import { convexToJson, jsonToConvex, type JSONValue, type Value } from "convex/values";
import { FunctionNotFound, type Deployment, type FunctionKind } from "./deployment.js";
import { describeError, logFunctionFailure } from "./log.js";

/**
 * One call as a client is told about it: the value, or the message and `ConvexError` data, encoded
 * as Convex's JSON (`convexToJson`) the way both the HTTP API and the sync protocol carry them. A
 * failure also keeps what was thrown, for the log only.
 */
export type CallOutcome =
  | { success: true; value: JSONValue }
  | { success: false; errorMessage: string; errorData?: JSONValue; thrown: unknown };

/** A call from a client: which public function, its Convex-encoded args, and who is calling. */
export type ClientCall = {
  kind: FunctionKind;
  path: string;
  args: JSONValue;
  /** The caller's verified identity; signed out when absent. */
  identity?: UserIdentity;
};

const LETTER = { query: "Q", mutation: "M", action: "A" } as const;

// By its brand rather than `instanceof`: the function may have thrown another copy's ConvexError.
const isConvexError = (error: unknown): error is { data: Value } =>
  typeof error === "object" && error !== null && Symbol.for("ConvexError") in error;

/**
 * Runs a public function as a deployment runs a client's call. Internal functions and functions of
 * another kind are refused with Convex's messages; any failure becomes an outcome, never a throw.
 */
export async function callPublicFunction(deployment: Deployment, call: ClientCall): Promise<CallOutcome> {
  const { kind, path, identity } = call;
  const runner = identity ? deployment.t.withIdentity(identity) : deployment.t;
  try {
    await deployment.publicFunction(path, kind);
    const args = jsonToConvex(call.args ?? {}) as Record<string, unknown>;
    const value = await {
      query: () => runner.query(makeFunctionReference<"query">(path), args),
      mutation: () => runner.mutation(makeFunctionReference<"mutation">(path), args),
      action: () => runner.action(makeFunctionReference<"action">(path), args),
    }[kind]();
    return { success: true, value: convexToJson((value ?? null) as Value) };
  } catch (thrown) {
    // Convex's own refusals read as they are; anything the function threw goes behind a request id.
    const errorMessage =
      thrown instanceof FunctionNotFound
        ? thrown.message
        : `[Request ID: ${randomBytes(8).toString("hex")}] Server Error\nUncaught ${describeError(thrown)}`;
    const errorData = isConvexError(thrown) ? { errorData: convexToJson(thrown.data) } : {};
    return { success: false, errorMessage, ...errorData, thrown };
  }
}

/** Logs a failed call as `npx convex dev` shows it: `[CONVEX M(profiles:update)] Uncaught ...`. */
export function logCallFailure(call: Pick<ClientCall, "kind" | "path">, outcome: CallOutcome) {
  if (!outcome.success) logFunctionFailure(LETTER[call.kind], call.path, outcome.thrown);
}
