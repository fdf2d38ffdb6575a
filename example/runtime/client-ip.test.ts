import { describe, expect, inject, it } from "vitest";
import { uniqueEmail } from "../test/auth-over-http";
import { fetchFrom } from "../test/loopback-client";

const base = inject("runtimeUrl");

const sendCode = (from: string, email: string) =>
  fetchFrom(from)(`${base}/api/auth/email-otp/send-verification-otp`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email, type: "sign-in" }),
  });

describe("the client's IP in the local runtime", () => {
  it("keys the per-IP send budget on the socket's address, as a deployment does", async () => {
    const attacker = "127.2.0.1";
    for (let i = 0; i < 30; i++) expect((await sendCode(attacker, uniqueEmail("ip"))).status).toBe(200);
    const refused = await sendCode(attacker, uniqueEmail("ip"));
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: "RATE_LIMITED" });
    // Another client is not affected.
    expect((await sendCode("127.2.0.2", uniqueEmail("ip"))).status).toBe(200);
  });
});
