import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { json, setup } from "./test.setup";

const SEND = "/email-otp/send-verification-otp";
const SIGN_IN = "/sign-in/email-otp";
const PROXY = "10.0.0.5";

beforeEach(() => void vi.useFakeTimers({ toFake: ["Date"] }));
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.resetModules();
});
const later = (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000);

/**
 * The reference backend set up as SECURITY.md says for a proxy of the app's own: its addresses in
 * `TRUSTED_PROXIES`, the header it writes in `IP_ADDRESS_HEADERS`. Modules load afresh, since the
 * routes read the auth options once.
 */
function behindProxy() {
  vi.stubEnv("IP_ADDRESS_HEADERS", "x-forwarded-for");
  vi.stubEnv("TRUSTED_PROXIES", "10.0.0.0/8");
  vi.resetModules();
  return setup();
}

type Auth = ReturnType<typeof setup>["auth"];

/** A code request that Convex sees come from `seenIp`, with the forwarded header `forwarded` (if any). */
const send = (auth: Auth, seenIp: string, email: string, forwarded?: string) =>
  auth.fromIp(seenIp).post(SEND, { email, type: "sign-in" }, forwarded === undefined ? {} : { "x-forwarded-for": forwarded });

async function sendMany(auth: Auth, times: number, seenIp: string, forwarded: (i: number) => string | undefined) {
  const answers: number[] = [];
  for (let i = 0; i < times; i++) {
    answers.push((await send(auth, seenIp, `c${i}-${seenIp}@example.com`, forwarded(i))).status);
  }
  return { accepted: answers.filter((s) => s === 200).length, refused: answers.filter((s) => s === 429).length };
}

describe("the client IP behind a proxy of the app's own", { timeout: 60_000 }, () => {
  // The `.convex.site` URL is public: a client can skip the proxy and write the header itself.
  const forged = {
    "no header": () => undefined,
    "a header that is no address": () => "nope",
    "a new address in the header each time": (i: number) => `198.51.100.${i + 1}`,
  };
  for (const [how, forwarded] of Object.entries(forged)) {
    it(`counts a client that skips the proxy by the address Convex saw, whatever it forwards: ${how}`, async () => {
      const { auth } = behindProxy();
      expect(await sendMany(auth, 32, "203.0.113.9", forwarded)).toEqual({ accepted: 30, refused: 2 });
    });
  }

  it("counts each client behind the trusted proxy by the address the proxy forwards", async () => {
    const { auth } = behindProxy();
    expect(await sendMany(auth, 31, PROXY, () => "198.51.100.1")).toEqual({ accepted: 30, refused: 1 });
    expect((await send(auth, PROXY, "other@example.com", "198.51.100.2")).status).toBe(200);
  });

  it("makes requests through the proxy that name no client share one stricter budget: 10 an hour", async () => {
    const { auth } = behindProxy();
    const unreadable = [undefined, "nope", "10.0.0.7", "1.1.1.1, 2.2.2.2, nope"];
    expect(await sendMany(auth, 15, PROXY, (i) => unreadable[i % unreadable.length])).toEqual({ accepted: 10, refused: 5 });
    // A client the proxy names is not affected.
    expect((await send(auth, PROXY, "known@example.com", "198.51.100.3")).status).toBe(200);
  });

  it("makes wrong codes from clients with no readable address share one stricter budget per mailbox: 5 an hour", async () => {
    const { auth } = behindProxy();
    const email = "ann@example.com";
    const wrongCodes = async (tries: number) => {
      later(31);
      expect((await send(auth, PROXY, email)).status).toBe(200);
      const otp = auth.lastOtp(email)!;
      for (let i = 0; i < tries; i++) {
        const wrong = await auth.fromIp(PROXY).post(SIGN_IN, { email, otp: otp === "000000" ? "111111" : "000000" });
        expect(await json(wrong)).toMatchObject({ code: "INVALID_OTP" });
      }
      return otp;
    };
    await wrongCodes(3);
    const otp = await wrongCodes(2);
    const right = await auth.fromIp(PROXY).post(SIGN_IN, { email, otp, username: "ann" });
    expect(await json(right)).toMatchObject({ code: "TOO_MANY_ATTEMPTS" });
    // The owner, named by the proxy, signs in.
    later(31);
    expect((await send(auth, PROXY, email, "198.51.100.9")).status).toBe(200);
    const own = await auth.fromIp(PROXY).post(SIGN_IN, { email, otp: auth.lastOtp(email), username: "ann" }, { "x-forwarded-for": "198.51.100.9" });
    expect(own.status).toBe(200);
  });
});
