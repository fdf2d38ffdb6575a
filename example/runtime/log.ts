/** What ran: a query, mutation or action by name, or an HTTP action by method and path. */
export type FunctionKindLetter = "Q" | "M" | "A" | "H";

/** `Error: message` or `ConvexError: {"code":...}`: how Convex names an uncaught error in its logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `Error: ${String(error)}`;
}

function timestamp() {
  return new Date().toLocaleString("en-US");
}

/** Logs a failed function the way `npx convex dev` shows it: `[CONVEX M(profiles:update)] Uncaught ...`. */
export function logFunctionFailure(kind: FunctionKindLetter, name: string, error: unknown) {
  console.error(`${timestamp()} [CONVEX ${kind}(${name})] Uncaught ${describeError(error)}`);
}

/** Logs a failure of the runtime itself (not of a function), so that it is never silent. */
export function logRuntimeFailure(what: string, error: unknown) {
  const detail = error instanceof Error ? (error.stack ?? describeError(error)) : String(error);
  console.error(`${timestamp()} [runtime] ${what}: ${detail}`);
}
