import { getIPFromHeader, normalizeIP } from "@better-auth/core/utils/ip";
import type { BetterAuthOptions } from "better-auth";

/** The part of a Convex ctx that knows the caller: `ctx.meta.getRequestMetadata()` (convex ≥ 1.38). */
export type RequestMetaCtx = {
  meta?: { getRequestMetadata?: () => Promise<{ ip: string | null }> } | object;
};

/**
 * The client IP of the request, as the per-IP send limit keys it, or `null` if it is unknown.
 *
 * - With `advanced.ipAddress.ipAddressHeaders` set (a proxy of yours in front of Convex, such as a
 *   Next.js route that forwards `/api/auth`), the first of those headers that holds a valid IP,
 *   resolved with Better Auth's rules (`trustedProxies`, IPv6 subnet). Only set it when that proxy
 *   overwrites the header: a client can send any header it likes.
 * - Otherwise the address Convex itself saw, from `ctx.meta.getRequestMetadata()`. A header such as
 *   `x-forwarded-for` is not read then, since a client talking to Convex directly could forge it.
 *
 * IPv6 addresses are reduced to their /64 subnet (Better Auth's `ipv6Subnet`), which one client
 * typically owns whole. `disableIpTracking` turns the lookup off.
 */
export async function clientIp(
  convexCtx: RequestMetaCtx,
  request: Request | undefined,
  options: Pick<BetterAuthOptions, "advanced">,
): Promise<string | null> {
  const ipOptions = options.advanced?.ipAddress;
  if (ipOptions?.disableIpTracking) return null;
  const ipv6Subnet = ipOptions?.ipv6Subnet;

  if (ipOptions?.ipAddressHeaders?.length) {
    for (const header of ipOptions.ipAddressHeaders) {
      const value = request?.headers.get(header);
      const ip = value
        ? getIPFromHeader(value, {
            ...(ipv6Subnet !== undefined ? { ipv6Subnet } : {}),
            ...(ipOptions.trustedProxies ? { trustedProxies: ipOptions.trustedProxies } : {}),
          })
        : null;
      if (ip) return ip;
    }
    return null;
  }

  const meta = convexCtx.meta as
    { getRequestMetadata?: () => Promise<{ ip: string | null }> } | undefined;
  // Queries have no request metadata, and older Convex runtimes no `meta`: both mean "unknown".
  const ip = await meta?.getRequestMetadata?.().then(
    (m) => m.ip,
    () => null,
  );
  return ip ? normalizeIP(ip, ipv6Subnet !== undefined ? { ipv6Subnet } : {}) : null;
}
