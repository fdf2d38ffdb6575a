import { httpRouter, makeFunctionReference } from "convex/server";
import { describe, expect, it } from "vitest";
import { clientIp, codeLinkOf, registerOtpRoutes } from "./http-routes";

const seenByConvex = (ip: string | null) => ({
  meta: { getRequestMetadata: async () => ({ ip }) },
});
const request = (headers: Record<string, string>) =>
  new Request("https://example.convex.site/api/auth/email-otp/send-verification-otp", { headers });

describe("the client IP for the per-IP limit", () => {
  it("is the address Convex saw, and a forged x-forwarded-for is ignored", async () => {
    const ip = await clientIp(
      seenByConvex("203.0.113.7"),
      request({ "x-forwarded-for": "1.2.3.4" }),
      {},
    );
    expect(ip).toBe("203.0.113.7");
  });

  it("is the configured header's address only on a request from a trusted proxy", async () => {
    const behindProxy = {
      advanced: { ipAddress: { ipAddressHeaders: ["x-forwarded-for"], trustedProxies: ["10.0.0.0/8"] } },
    };
    const from = (seen: string, forwarded: string) =>
      clientIp(seenByConvex(seen), request({ "x-forwarded-for": forwarded }), behindProxy);
    expect(await from("10.0.0.1", "198.51.100.9")).toBe("198.51.100.9");
    // A chain is read from the right, trusted hops skipped.
    expect(await from("10.0.0.1", "1.1.1.1, 198.51.100.9, 10.0.0.2")).toBe("198.51.100.9");
    // A client that skips the proxy is the address Convex saw, whatever it forwards.
    expect(await from("203.0.113.9", "198.51.100.9")).toBe("203.0.113.9");
    expect(await from("203.0.113.9", "nope")).toBe("203.0.113.9");
    // A trusted proxy that names no readable client: unknown.
    expect(await from("10.0.0.1", "nope")).toBeNull();
    expect(await from("10.0.0.1", "10.0.0.7")).toBeNull();
    expect(await clientIp(seenByConvex("10.0.0.1"), request({}), behindProxy)).toBeNull();
  });

  it("never reads a header without trusted proxies", async () => {
    const headersOnly = { advanced: { ipAddress: { ipAddressHeaders: ["x-forwarded-for"] } } };
    const ip = await clientIp(seenByConvex("10.0.0.1"), request({ "x-forwarded-for": "198.51.100.9" }), headersOnly);
    expect(ip).toBe("10.0.0.1");
  });

  it("counts an IPv6 client by its /64 network", async () => {
    expect(await clientIp(seenByConvex("2001:db8:1:2:aaaa::1"), undefined, {})).toBe(
      await clientIp(seenByConvex("2001:db8:1:2:bbbb::2"), undefined, {}),
    );
  });

  it("is unknown without request metadata, or when IP tracking is off", async () => {
    expect(await clientIp({}, request({}), {})).toBeNull();
    expect(await clientIp(seenByConvex(null), request({}), {})).toBeNull();
    const failing = {
      meta: { getRequestMetadata: () => Promise.reject(new Error("not in a query")) },
    };
    expect(await clientIp(failing, request({}), {})).toBeNull();
    const off = { advanced: { ipAddress: { disableIpTracking: true } } };
    expect(await clientIp(seenByConvex("203.0.113.7"), request({}), off)).toBeNull();
    const proxied = { advanced: { ipAddress: { ipAddressHeaders: ["x-forwarded-for"], trustedProxies: ["10.0.0.0/8"] } } };
    expect(await clientIp({}, request({ "x-forwarded-for": "198.51.100.9" }), proxied)).toBeNull();
  });
});

describe("the crossDomain option", () => {
  /** An app's `createAuth` as far as the routes read it: its plugins and their options. */
  const appWith = (crossDomain: unknown, plugins: { id: string }[] = []) => () => ({
    handler: async () => new Response(null),
    options: { plugins: [{ id: "otp-onboarding", options: { crossDomain } }, ...plugins] },
    $context: Promise.resolve({}),
  });
  const register = (createAuth: ReturnType<typeof appWith>) =>
    registerOtpRoutes(httpRouter(), { createAuth, authRequest: makeFunctionReference<"mutation">("auth:authRequest") as never });

  it("stops the deploy for a site URL that is not absolute, or beside upstream's crossDomain plugin", () => {
    for (const siteUrl of ["", "/app", "app.example.com", undefined]) {
      expect(() => register(appWith({ siteUrl }))).toThrow(/crossDomain\.siteUrl must be the app's absolute URL/);
    }
    expect(() => register(appWith({ siteUrl: "https://app.example.com" }, [{ id: "cross-domain" }]))).toThrow(/not both/);
    expect(() => register(appWith({ siteUrl: "https://app.example.com" }))).not.toThrow();
    // Without the option, upstream's plugin is the app's choice.
    expect(() => register(appWith(undefined, [{ id: "cross-domain" }]))).not.toThrow();
  });

  it("opens the code link on the app's site: the default page, and a relative one", () => {
    const site = "https://app.example.com/some/page";
    expect(codeLinkOf({}, site)).toBe("https://app.example.com/code");
    expect(codeLinkOf({ url: "/sign-in/code" }, site)).toBe("https://app.example.com/sign-in/code");
    expect(codeLinkOf({ url: "https://other.example/code" }, site)).toBe("https://other.example/code");
    expect(codeLinkOf(false, site)).toBeUndefined();
    expect(codeLinkOf({}, undefined)).toBeUndefined();
  });
});
