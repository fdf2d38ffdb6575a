/**
 * `ConvexError`s recognised by their shape, never with `instanceof`: the error may have been made by
 * another copy of `convex` (an app whose tree holds two), or rebuilt after crossing a function
 * boundary, and an answer must not change because of that.
 */

/** What a `ConvexError` carries that the plugin reads: its `data`, with a string `code`. */
export type CodedErrorData = { code: string; message?: unknown } & Record<string, unknown>;

// `convex/values` marks every ConvexError with this symbol, whichever copy made it.
const CONVEX_ERROR_BRAND = Symbol.for("ConvexError");

/** The `data` of a `ConvexError` (by its brand or its name), if `error` is one with a string `code`. */
export function codedErrorData(error: unknown): CodedErrorData | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const named = (error as { name?: unknown }).name === "ConvexError";
  if (!named && !(CONVEX_ERROR_BRAND in error)) return undefined;
  const data = (error as { data?: unknown }).data;
  if (data === null || typeof data !== "object") return undefined;
  return typeof (data as { code?: unknown }).code === "string" ? (data as CodedErrorData) : undefined;
}
