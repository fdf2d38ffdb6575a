import { describe, expect, it } from "vitest";
import { clientIp } from "./http-routes";

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

  it("is the configured header's address behind a proxy of the app's own", async () => {
    const options = { advanced: { ipAddress: { ipAddressHeaders: ["x-forwarded-for"] } } };
    expect(
      await clientIp(
        seenByConvex("10.0.0.1"),
        request({ "x-forwarded-for": "198.51.100.9" }),
        options,
      ),
    ).toBe("198.51.100.9");
    // A chain is trusted only through `trustedProxies`; a bad value is no address at all.
    expect(
      await clientIp(
        seenByConvex("10.0.0.1"),
        request({ "x-forwarded-for": "1.1.1.1, 2.2.2.2" }),
        options,
      ),
    ).toBeNull();
    expect(
      await clientIp(seenByConvex("10.0.0.1"), request({ "x-forwarded-for": "nope" }), options),
    ).toBeNull();
    const trusted = {
      advanced: { ipAddress: { ...options.advanced.ipAddress, trustedProxies: ["2.2.2.0/24"] } },
    };
    expect(await clientIp({}, request({ "x-forwarded-for": "1.1.1.1, 2.2.2.2" }), trusted)).toBe(
      "1.1.1.1",
    );
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
  });
});
