import { insideTransaction } from "convex-otp-onboarding/test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setup } from "./test.setup";

const RSA = { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };

afterEach(() => vi.restoreAllMocks());

describe("what a deployment refuses inside queries and mutations", () => {
  it("refuses fetch, timers and key generation in a mutation, and allows them in an action", async () => {
    const { t } = setup();
    await t.run(async () => {
      expect(() => fetch("http://127.0.0.1:9")).toThrow(/not supported in Convex queries or mutations/);
      expect(() => setTimeout(() => {}, 1)).toThrow(/not supported in Convex queries or mutations/);
      await expect(async () => crypto.subtle.generateKey(RSA, true, ["sign"])).rejects.toThrow(
        /generateKey.*not supported in Convex queries or mutations/,
      );
    });
    const made = await t.action(async () => "privateKey" in (await crypto.subtle.generateKey(RSA, true, ["sign"])));
    expect(made).toBe(true);
  });

  it("makes the JWT signing key in the HTTP action, never inside the auth mutation", async () => {
    const { auth, inAuthComponent } = setup();
    const made: boolean[] = [];
    const generateKey = crypto.subtle.generateKey;
    vi.spyOn(crypto.subtle, "generateKey").mockImplementation(function (this: SubtleCrypto, ...args) {
      made.push(insideTransaction());
      return generateKey.apply(this, args as Parameters<SubtleCrypto["generateKey"]>);
    });
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    expect(await inAuthComponent((ctx) => ctx.db.query("jwks").collect())).toHaveLength(1);
    expect(made).toEqual([false]);
    expect(ann.token).toBeTruthy();
  });

  it("answers the first sign-in on a new deployment with its Convex JWT, the key made in the HTTP action", async () => {
    const { auth, inAuthComponent } = setup();
    await auth.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com")!;
    const signedIn = await auth.post("/sign-in/email-otp", { email: "ann@example.com", otp, username: "ann" });
    expect(signedIn.status).toBe(200);
    const jwtCookie = signedIn.headers.getSetCookie().find((cookie) => /convex_jwt=/.test(cookie));
    expect(jwtCookie).toMatch(/convex_jwt=[^;]+\./);
    // The run that found no key rolled back whole: one user, one session.
    expect(await inAuthComponent((ctx) => ctx.db.query("user").collect())).toHaveLength(1);
    expect(await inAuthComponent((ctx) => ctx.db.query("session").collect())).toHaveLength(1);
  });

  it("makes codes and session tokens in the HTTP action: a mutation's seeded randomness never becomes a secret", async () => {
    const { auth, inAuthComponent } = setup();
    // Inside a mutation, randomness as predictable as it gets: all zeros.
    const getRandomValues = crypto.getRandomValues.bind(crypto);
    vi.spyOn(crypto, "getRandomValues").mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      if (insideTransaction() && array) new Uint8Array(array.buffer).fill(0);
      else getRandomValues(array as ArrayBufferView<ArrayBuffer>);
      return array;
    });
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const bob = await auth.signUp({ email: "bob@example.com", username: "bob" });
    expect(ann.token).not.toBe(bob.token);
    expect(new Set(ann.token)).not.toEqual(new Set([ann.token[0]]));
    expect(auth.lastOtp("ann@example.com")).not.toBe(auth.lastOtp("bob@example.com"));
    const sessions = await inAuthComponent<{ token: string }[]>((ctx) => ctx.db.query("session").collect());
    expect(sessions.map((session) => session.token).sort()).toEqual([ann.token, bob.token].sort());
  });
});
