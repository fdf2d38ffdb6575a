import { APIError } from "better-auth/api";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES, type OtpOnboardingErrorCode } from "../shared/error-codes.js";

/** The largest body a route takes: its fields are short, and every sign-up field is bounded by its schema. */
export const MAX_BODY_BYTES = 16 * 1024;
/** How deep a body may nest: the routes take flat objects; one level more leaves room for a client's extras. */
export const MAX_BODY_DEPTH = 2;

const refusal = (code: OtpOnboardingErrorCode, message: string) =>
  new APIError(ERROR_STATUS[code], { code, message });

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

/**
 * The JSON object a request carries, read before anything else sees it: at most
 * {@link MAX_BODY_BYTES} (413 `BODY_TOO_LARGE`), JSON, an object, nested at most
 * {@link MAX_BODY_DEPTH} deep (400 `INVALID_BODY`). A GET, or an empty body, is `{}`.
 */
export async function readRequestBody(request: Request): Promise<Record<string, unknown>> {
  if (request.method === "GET" || request.method === "HEAD") return {};
  const declared = Number(request.headers.get("content-length"));
  if (declared > MAX_BODY_BYTES) throw refusal("BODY_TOO_LARGE", `The body may have at most ${MAX_BODY_BYTES} bytes`);
  const text = await request.text();
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
    throw refusal("BODY_TOO_LARGE", `The body may have at most ${MAX_BODY_BYTES} bytes`);
  }
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw refusal("INVALID_BODY", "The body is not JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw refusal("INVALID_BODY", "The body must be a JSON object");
  }
  if (depthOf(body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
    throw refusal("INVALID_BODY", `The body may nest at most ${MAX_BODY_DEPTH} levels deep`);
  }
  return body as Record<string, unknown>;
}

/** 400 `UNKNOWN_FIELD` for keys a route does not take, named in `fields`: refused before any code is touched. */
export function unknownFields(body: Record<string, unknown>, allowed: ReadonlySet<string>): APIError | undefined {
  const unknown = Object.keys(body).filter((key) => !allowed.has(key));
  if (unknown.length === 0) return undefined;
  const { code, message } = OTP_ONBOARDING_ERROR_CODES.UNKNOWN_FIELD;
  return new APIError(ERROR_STATUS.UNKNOWN_FIELD, { code, message: `${message}: ${unknown.join(", ")}`, fields: unknown });
}
