import { describe, expect, it } from "vitest";
import { createOtpStorage, keyedOtpHash } from "./otp-storage";

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
    if (typeof store.storeOTP === "string") throw new Error("expected a hash store");
    expect(await store.storeOTP.hash("123456")).toBe(await keyedOtpHash(SECRET, "123456"));
    expect(await store.storeOTP.hash("123457")).not.toBe(await keyedOtpHash(SECRET, "123456"));
  });

  it("leaves encryption to Better Auth", () => {
    expect(createOtpStorage("encrypted").storeOTP).toBe("encrypted");
  });

  it("refuses to hash before Better Auth hands over the secret", async () => {
    const store = createOtpStorage("keyed-hash");
    if (typeof store.storeOTP === "string") throw new Error("expected a hash store");
    await expect(store.storeOTP.hash("123456")).rejects.toThrow(/before init/);
  });
});
