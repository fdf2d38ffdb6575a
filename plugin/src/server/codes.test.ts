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

  it("stores the keyed hash of the code under the bound secret", async () => {
    const store = createOtpStorage("keyed-hash");
    store.bind({ secret: SECRET });
    expect(store.storeOTP).toEqual({ hash: store.atRest });
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
