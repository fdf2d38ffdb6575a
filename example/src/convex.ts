import { ConvexHttpClient } from "convex/browser";
import { decodeJwt } from "jose";
import { authClient } from "./auth-client";
import { convexUrl } from "./config";

let cached: { token: string; expiresAt: number } | undefined;

/** A Convex JWT for the signed-in user, fetched from Better Auth and reused until shortly before it expires. */
async function convexToken(): Promise<string | undefined> {
  if (cached && cached.expiresAt - 30_000 > Date.now()) return cached.token;
  const { data } = await authClient.convex.token();
  if (!data?.token) return undefined;
  cached = { token: data.token, expiresAt: (decodeJwt(data.token).exp ?? 0) * 1000 };
  return cached.token;
}

/** Forgets the cached token (on sign-out). */
export function forgetConvexToken() {
  cached = undefined;
}

/** A Convex client that runs as the signed-in user (or signed out when there is no session). */
export async function convexAsUser(): Promise<ConvexHttpClient> {
  const client = new ConvexHttpClient(convexUrl, { logger: false });
  const token = await convexToken();
  if (token) client.setAuth(token);
  return client;
}
