import { describe, expect, it } from "vitest";
import { symmetricEncrypt } from "better-auth/crypto";
import { createOtpStorage, keyedOtpHash } from "./otp-storage";

const SECRET = "a-long-enough-test-secret-for-better-auth-0123";

describe("codes at rest", () => {
  it("hashes a code under the secret: another secret gives another hash", async () => {
    const a = await keyedOtpHash("secret-a", "123456");
    expect(a).toBe(await keyedOtpHash("secret-a", "123456"));
    expect(a).not.toBe(await keyedOtpHash("secret-b", "123456"));
    expect(a).not.toContain("123456");
  });

  it("matches only the right code against its keyed hash", async () => {
    const store = createOtpStorage("keyed-hash");
    store.bind({ secret: SECRET });
    const stored = await keyedOtpHash(SECRET, "123456");
    expect(await store.matches(stored, "123456")).toBe(true);
    expect(await store.matches(stored, "123457")).toBe(false);
  });

  it("matches only the right code against its encryption", async () => {
    const store = createOtpStorage("encrypted");
    store.bind({ secret: SECRET });
    const stored = await symmetricEncrypt({ key: SECRET, data: "123456" });
    expect(await store.matches(stored, "123456")).toBe(true);
    expect(await store.matches(stored, "123457")).toBe(false);
    expect(await store.matches("garbage", "123456")).toBe(false);
  });

  it("refuses to hash before Better Auth hands over the secret", async () => {
    const store = createOtpStorage("keyed-hash");
    if (typeof store.storeOTP === "string") throw new Error("expected a hash store");
    await expect(store.storeOTP.hash("123456")).rejects.toThrow(/before init/);
  });
});
