import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createOtpStorage, keyedOtpHash } from "./codes";

const SECRET = "a-long-enough-test-secret-for-better-auth-0123";

describe("codes at rest", () => {
  it("hashes a code under the secret: another secret gives another hash", async () => {
    const a = await keyedOtpHash("secret-a", "123456");
    expect(a).toBe(await keyedOtpHash("secret-a", "123456"));
    expect(a).not.toBe(await keyedOtpHash("secret-b", "123456"));
    expect(a).not.toContain("123456");
  });

  it("keeps the form codes and invites were stored in: HMAC-SHA-256 under HMAC(secret, label), base64url", async () => {
    const key = createHmac("sha256", SECRET).update("convex-otp-onboarding/otp-at-rest/v1").digest();
    const expected = createHmac("sha256", key).update("123456").digest("base64url");
    expect(await keyedOtpHash(SECRET, "123456")).toBe(expected);
  });

  it("stores the keyed hash of the code under the bound secret", async () => {
    const heard: string[] = [];
    const store = createOtpStorage("keyed-hash", (atRest) => heard.push(atRest));
    store.bind({ secret: SECRET });
    expect(Object.keys(store.storeOTP)).toEqual(["hash"]);
    const hash = (store.storeOTP as { hash: (otp: string) => Promise<string> }).hash;
    expect(await hash("123456")).toBe(await keyedOtpHash(SECRET, "123456"));
    // The send hears which form it stored, to delete that code alone if its mail fails.
    expect(heard).toEqual([await keyedOtpHash(SECRET, "123456")]);
    expect(await store.atRest("123456")).toBe(await keyedOtpHash(SECRET, "123456"));
    expect(await store.atRest("123457")).not.toBe(await keyedOtpHash(SECRET, "123456"));
  });

  it("encrypts with Better Auth's symmetric encryption under the secret, and decrypts back", async () => {
    const store = createOtpStorage("encrypted");
    store.bind({ secret: SECRET });
    const stored = await store.atRest("123456");
    expect(stored).not.toContain("123456");
    expect(await (store.storeOTP as { decrypt(value: string): Promise<string> }).decrypt(stored)).toBe("123456");
  });

  it("refuses to hash before Better Auth hands over the secret", async () => {
    const store = createOtpStorage("keyed-hash");
    await expect(store.atRest("123456")).rejects.toThrow(/before init/);
  });
});
