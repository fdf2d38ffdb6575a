import type { APIError } from "better-auth/api";
import { v, type Infer } from "convex/values";

/** A response as it crosses from the auth mutation to the HTTP action: status, headers, body. */
export const authResponseValidator = v.object({
  status: v.number(),
  headers: v.array(v.array(v.string())),
  body: v.string(),
});
export type AuthResponse = Infer<typeof authResponseValidator>;

/** A `Response` as plain data; every `Set-Cookie` header stays its own entry. */
export async function toAuthResponse(response: Response): Promise<AuthResponse> {
  const headers: string[][] = [];
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers.push([name, value]);
  });
  for (const cookie of response.headers.getSetCookie()) headers.push(["set-cookie", cookie]);
  return { status: response.status, headers, body: await response.text() };
}

/** An `APIError` as the JSON answer Better Auth would give for it. */
export function errorResponse(error: APIError): AuthResponse {
  const headers: string[][] = [["content-type", "application/json"]];
  new Headers(error.headers as HeadersInit | undefined).forEach((value, name) => headers.push([name, value]));
  return { status: error.statusCode, headers, body: JSON.stringify(error.body ?? {}) };
}

/** The `Response` the HTTP action answers with. */
export function fromAuthResponse({ status, headers, body }: AuthResponse): Response {
  const result = new Headers();
  for (const [name, value] of headers) if (name !== undefined && value !== undefined) result.append(name, value);
  return new Response(status === 204 || status === 304 ? null : body, { status, headers: result });
}
