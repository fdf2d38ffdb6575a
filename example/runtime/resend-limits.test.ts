/**
 * `npm start` with Resend as the sender, the real `resend` SDK talking to a fake Resend API on
 * 127.0.0.1 that refuses every mail: what one client IP can make the runtime ask of the provider.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeResend } from "../../convex/resend.fixture";
import { uniqueEmail } from "../test/auth-over-http";
import { fetchFrom } from "../test/loopback-client";
import { spawnRuntime } from "../test/start-runtime";

let resend: Awaited<ReturnType<typeof fakeResend>>;
let runtime: Awaited<ReturnType<typeof spawnRuntime>>;

beforeAll(async () => {
  resend = await fakeResend();
  runtime = await spawnRuntime(
    {
      RESEND_API_KEY: "re_test_0123456789",
      RESEND_FROM: "OTP Onboarding <onboarding@example.com>",
      RESEND_BASE_URL: resend.url,
    },
    path.resolve("test-results", "runtime-resend.log"),
  );
});
afterAll(async () => {
  await runtime?.stop();
  await resend?.close();
});

describe("npm start with Resend refusing every mail", () => {
  it("45 sends from one client IP reach Resend at most 30 times (the IP's budget), then answer 429", async () => {
    // A refusal for good (422): not retried, so one request to Resend per send let through.
    resend.fail(...Array.from({ length: 45 }, () => 422));
    const send = fetchFrom("127.5.0.1");
    const answers: number[] = [];
    for (let i = 0; i < 45; i++) {
      const response = await send(`${runtime.url}/api/auth/email-otp/send-verification-otp`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: runtime.url },
        body: JSON.stringify({ email: uniqueEmail("refused"), type: "sign-in" }),
      });
      answers.push(response.status);
    }
    expect(resend.received).toHaveLength(30);
    expect(answers.slice(0, 30).every((status) => status === 502)).toBe(true);
    expect(answers.slice(30).every((status) => status === 429)).toBe(true);
  });
});
