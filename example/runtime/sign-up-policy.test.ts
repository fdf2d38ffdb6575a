/**
 * The reference backend's sign-up switches as `npm start` reads them from its environment:
 * `OTP_SIGN_UP`, `OTP_SIGN_UP_ALLOW` and `OTP_REVIEW_ACCOUNTS`. Each case starts the runtime of its
 * own with those variables (the app is already built by the suite's runtime), and stops it after.
 */
import path from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { afterEach, describe, expect, it } from "vitest";
import { api } from "../../convex/_generated/api";
import { mailbox, postAuth, uniqueEmail } from "../test/auth-over-http";
import { spawnRuntime } from "../test/start-runtime";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** The URL of a runtime of its own, started with `env` and stopped after the test. */
async function runtimeWith(env: Record<string, string>): Promise<string> {
  const runtime = await spawnRuntime(env, path.join("test-results", `runtime-${Object.values(env).join("-").replace(/\W+/g, "_")}.log`));
  stops.push(runtime.stop);
  return runtime.url;
}

describe("the sign-up switches of npm start", { timeout: 90_000 }, () => {
  it("OTP_SIGN_UP=invite with OTP_SIGN_UP_ALLOW: the form is told to ask for an invite; an unlisted address gets a notice, a listed one a code", async () => {
    const base = await runtimeWith({ OTP_SIGN_UP: "invite", OTP_SIGN_UP_ALLOW: "@acme.test" });
    expect(await new ConvexHttpClient(base, { logger: false }).query(api.invites.signUpMode, {})).toEqual({ mode: "invite", asksForInvite: true });
    const outsider = uniqueEmail("eve");
    const listed = `ann-${Date.now().toString(36)}@acme.test`;
    for (const email of [outsider, listed]) {
      const response = await postAuth(base, "/email-otp/send-verification-otp", { email, type: "sign-in", username: "someone" });
      expect([response.status, await response.json()]).toEqual([200, { success: true }]);
    }
    const mails = await mailbox(base);
    expect(mails.find((mail) => mail.to === outsider)).toMatchObject({ type: "sign-up-closed", otp: "" });
    expect(mails.find((mail) => mail.to === listed)).toMatchObject({ type: "sign-in", otp: expect.stringMatching(/^\d{6}$/) });
  });

  it("OTP_REVIEW_ACCOUNTS: the review address signs up with its fixed code and is mailed nothing", async () => {
    const base = await runtimeWith({ OTP_SIGN_UP: "waitlist", OTP_REVIEW_ACCOUNTS: "review@example.com:246810" });
    expect((await postAuth(base, "/email-otp/send-verification-otp", { email: "review@example.com", type: "sign-in" })).status).toBe(200);
    const signedIn = await postAuth(base, "/sign-in/email-otp", { email: "review@example.com", otp: "246810", username: "reviewer" });
    expect(signedIn.status).toBe(200);
    expect((await mailbox(base)).filter((mail) => mail.to === "review@example.com")).toEqual([]);
  });

  it("does not come up on a mode it cannot read, and says which", async () => {
    await expect(runtimeWith({ OTP_SIGN_UP: "closed" })).rejects.toThrow(/OTP_SIGN_UP: unknown mode "closed"/);
  });
});
