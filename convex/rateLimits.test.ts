import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { captureMail } from "convex-otp-onboarding/test";
import { internal } from "./_generated/api";
import { json, setup, strayProfile } from "./test.setup";

const SIGN_IN = "/sign-in/email-otp";
const wrongFor = (otp: string) => (otp === "000000" ? "111111" : "000000");

// Only Date is faked: the limits and code expiry read the clock, convex-test's own timers stay real.
beforeEach(() => void vi.useFakeTimers({ toFake: ["Date"] }));
afterEach(() => void vi.useRealTimers());
const later = (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000);

async function expectRateLimited(response: Response) {
  expect(response.status).toBe(429);
  const body = await json(response);
  expect(body).toMatchObject({ code: "RATE_LIMITED", message: expect.any(String) });
  const retryAfter = Number(response.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(0);
  expect(body.retryAfter).toBe(retryAfter);
  return retryAfter;
}

describe("sending codes", { timeout: 30_000 }, () => {
  it("refuses a second code within 30 s while the first is unused: 429 RATE_LIMITED with Retry-After", async () => {
    const { auth, written } = setup();
    expect((await auth.sendOtp("ann@example.com")).status).toBe(200);

    later(10);
    const retryAfter = await expectRateLimited(await auth.sendOtp("ann@example.com"));
    expect(retryAfter).toBeGreaterThanOrEqual(19);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(auth.outbox).toHaveLength(1);
    expect((await written()).codes).toHaveLength(1);
  });

  it("sends a new code after 30 s, which replaces the old one", async () => {
    const { auth, written } = setup();
    await auth.sendOtp("ann@example.com");
    const first = auth.lastOtp("ann@example.com")!;
    later(31);
    expect((await auth.sendOtp("ann@example.com")).status).toBe(200);
    const second = auth.lastOtp("ann@example.com")!;

    // Only the latest code is ever checked; the old row goes with the next use or with its expiry.
    if (first !== second) {
      const old = await auth.post(SIGN_IN, {
        email: "ann@example.com",
        otp: first,
        username: "ann",
      });
      expect(await json(old)).toMatchObject({ code: "INVALID_OTP" });
    }
    const fresh = await auth.post(SIGN_IN, {
      email: "ann@example.com",
      otp: second,
      username: "ann",
    });
    expect(fresh.status).toBe(200);
    expect((await written()).codes).toEqual([]);
  });

  it("lets a user who just signed in ask for a new code at once", async () => {
    const { auth } = setup();
    await auth.signUp({ email: "ann@example.com", username: "ann" });
    expect((await auth.sendOtp("ann@example.com")).status).toBe(200);
    const otp = auth.lastOtp("ann@example.com");
    expect((await auth.post(SIGN_IN, { email: "ann@example.com", otp })).status).toBe(200);
    expect((await auth.sendOtp("ann@example.com")).status).toBe(200);
  });

  it("keeps no resend wait behind once its code is used, or has expired unused", async () => {
    const { t, auth } = setup();
    const waits = () => t.run((ctx) => ctx.db.query("otpResendWaits").collect());
    await auth.signUp({ email: "ann@example.com", username: "ann" });
    expect(await waits()).toEqual([]);

    await auth.sendOtp("bob@example.com");
    expect(await waits()).toHaveLength(1);
    // The code's scheduled cleanup, once it has expired (convex-test's timers are real: run it now).
    later(301);
    const jobs = await t.run((ctx) => ctx.db.system.query("_scheduled_functions").collect());
    const expiry = jobs.map((job) => job.args[0]).find((args) => args.op?.identifier === "sign-in-otp-bob@example.com");
    expect(expiry.op.kind).toBe("expireCode");
    await t.mutation(internal.auth.authRequest, expiry);
    expect(await waits()).toEqual([]);
    // A wait that is still on stays: the cleanup of an older code leaves a newer one's wait alone.
    await auth.sendOtp("bob@example.com");
    await t.mutation(internal.auth.authRequest, expiry);
    expect(await waits()).toHaveLength(1);
    await expectRateLimited(await auth.sendOtp("bob@example.com"));
    // A cleanup scheduled by 0.2.0 names no wait: it still runs, and leaves the waits alone.
    await t.mutation(internal.auth.authRequest, { op: { kind: "expireCode", identifier: "sign-in-otp-bob@example.com" } });
    expect(await waits()).toHaveLength(1);
  });

  it("sends at most 10 codes an hour to one email, and a refused double-click does not count", async () => {
    const { auth } = setup();
    for (let sent = 0; sent < 10; sent++) {
      expect((await auth.sendOtp("ann@example.com")).status).toBe(200);
      // A double click inside the 30 s is refused and does not count towards the 10.
      await expectRateLimited(await auth.sendOtp("ann@example.com"));
      later(31);
    }
    expect(auth.outbox).toHaveLength(10);
    await expectRateLimited(await auth.sendOtp("ann@example.com"));
    // Other addresses are not affected.
    expect((await auth.sendOtp("bob@example.com")).status).toBe(200);

    later(3600);
    expect((await auth.sendOtp("ann@example.com")).status).toBe(200);
  });

  it("sends at most 30 codes an hour from one client IP", async () => {
    const { auth } = setup();
    const attacker = auth.fromIp("203.0.113.7");
    for (let i = 0; i < 30; i++) {
      expect((await attacker.sendOtp(`user${i}@example.com`)).status).toBe(200);
    }
    await expectRateLimited(await attacker.sendOtp("victim@example.com"));
    // The refused request left the victim's own budget alone, and other clients are served.
    expect((await auth.fromIp("198.51.100.2").sendOtp("victim@example.com")).status).toBe(200);
    // IPv6 clients are counted per /64 network, which one client usually owns whole.
    const v6 = auth.fromIp("2001:db8:1:2::1");
    for (let i = 0; i < 30; i++) await v6.sendOtp(`six${i}@example.com`);
    await expectRateLimited(await auth.fromIp("2001:db8:1:2:ffff::9").sendOtp("other@example.com"));
  });

  it("keeps the code of a person whose onboarding failed: they retry with it at once, no new mail, nothing half-written", async () => {
    const { t, auth, written } = setup();
    await t.run((ctx) => ctx.db.insert("profiles", strayProfile("ann")));
    await auth.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com")!;
    const failed = await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" });
    expect(failed.status).toBe(409);
    expect(await written()).toMatchObject({
      users: [],
      markers: [],
      profiles: [strayProfile("ann")],
    });

    // The failed request rolled back whole: the code is still live, so a new one is not needed yet.
    await expectRateLimited(await auth.sendOtp("ann@example.com"));
    const retried = await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann_lee" });
    expect(retried.status).toBe(200);
    const { users, profiles, markers } = await written();
    expect([users.length, profiles.length, markers.length]).toEqual([1, 2, 1]);
  });
});

describe("what a send spends", { timeout: 30_000 }, () => {
  it("charges every username check to the caller's IP: 30 probes an hour, taken or not", async () => {
    const { auth } = setup();
    await auth.signUp({ email: "ann@example.com", username: "ann" });
    const prober = auth.fromIp("203.0.113.66");
    for (let i = 0; i < 30; i++) {
      const probe = await prober.sendOtp(`probe${i}@example.com`, { username: i % 2 ? "ann" : `free${i}` });
      expect(probe.status).toBe(i % 2 ? 409 : 200);
    }
    const refused = await prober.sendOtp("probe30@example.com", { username: "ann" });
    expect(await json(refused)).toMatchObject({ code: "RATE_LIMITED" });
  });

  it("lifts only the wait after a mail that did not leave: asking again at once, up to the mailbox's 10 an hour", async () => {
    const { auth, written } = setup();
    vi.spyOn(console, "error").mockImplementation(() => {});
    const stop = captureMail(() => {
      throw new Error("the mail provider is down");
    });
    for (let i = 0; i < 10; i++) {
      expect(await json(await auth.sendOtp("ann@example.com"))).toMatchObject({ code: "OTP_DELIVERY_FAILED" });
    }
    expect((await written()).codes).toEqual([]);
    stop();
    captureMail((mail) => void auth.outbox.push(mail));
    // The provider was asked ten times for this mailbox: its budget is spent, whatever came of it.
    await expectRateLimited(await auth.sendOtp("ann@example.com"));
    expect(auth.outbox).toEqual([]);
  });
});

describe("failed verifications across codes", { timeout: 30_000 }, () => {
  type Client = Pick<ReturnType<typeof setup>["auth"], "sendOtp" | "post">;

  /** From `client`, sends a new code to `email` (31 s after the last) and submits `tries` wrong ones. */
  async function failWithNewCode(auth: ReturnType<typeof setup>["auth"], client: Client, email: string, tries: number) {
    later(31);
    expect((await client.sendOtp(email)).status).toBe(200);
    const otp = auth.lastOtp(email)!;
    for (let i = 0; i < tries; i++) {
      const response = await client.post(SIGN_IN, { email, otp: wrongFor(otp), username: "ann" });
      expect(await json(response)).toMatchObject({ code: "INVALID_OTP" });
    }
    return otp;
  }

  it("refuses even the right code from an IP with 10 failures in an hour, and a new code does not reset it", async () => {
    const { auth, written } = setup();
    const attacker = auth.fromIp("203.0.113.66");
    await failWithNewCode(auth, attacker, "ann@example.com", 3);
    await failWithNewCode(auth, attacker, "ann@example.com", 3);
    await failWithNewCode(auth, attacker, "ann@example.com", 3);
    const otp = await failWithNewCode(auth, attacker, "ann@example.com", 1); // the 10th failure

    const right = await attacker.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" });
    expect(right.status).toBe(403);
    expect(await json(right)).toMatchObject({ code: "TOO_MANY_ATTEMPTS" });
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(3000);

    const fresh = await failWithNewCode(auth, attacker, "ann@example.com", 0);
    const again = await attacker.post(SIGN_IN, { email: "ann@example.com", otp: fresh, username: "ann" });
    expect(await json(again)).toMatchObject({ code: "TOO_MANY_ATTEMPTS" });
    // Nor do the sign-up checks tell the right code from a wrong one meanwhile.
    for (const guess of [fresh, wrongFor(fresh)]) {
      const bad = await attacker.post(SIGN_IN, { email: "ann@example.com", otp: guess, username: "NO" });
      expect(await json(bad)).toMatchObject({ code: "TOO_MANY_ATTEMPTS" });
    }
    expect((await written()).users).toEqual([]);

    // Once the hour since the first failure has passed, the right code works again from there.
    later(3600);
    const last = await failWithNewCode(auth, attacker, "ann@example.com", 0);
    const ok = await attacker.post(SIGN_IN, { email: "ann@example.com", otp: last, username: "ann" });
    expect(ok.status).toBe(200);
  });

  it("lets the owner sign in from another IP at once while an attacker's IP is locked out", async () => {
    const { auth } = setup();
    const attacker = auth.fromIp("203.0.113.66");
    const owner = auth.fromIp("198.51.100.7");
    for (const tries of [3, 3, 3, 1]) await failWithNewCode(auth, attacker, "ann@example.com", tries);
    const locked = await attacker.post(SIGN_IN, { email: "ann@example.com", otp: "123456", username: "ann" });
    expect(await json(locked)).toMatchObject({ code: "TOO_MANY_ATTEMPTS" });

    const otp = await failWithNewCode(auth, owner, "ann@example.com", 0);
    expect((await owner.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" })).status).toBe(200);
  });

  it("keeps an attacker's IP locked out after the owner's sign-in forgives the mailbox", async () => {
    const { auth } = setup();
    const attacker = auth.fromIp("203.0.113.66");
    const owner = auth.fromIp("198.51.100.7");
    for (const tries of [3, 3, 3, 1]) await failWithNewCode(auth, attacker, "ann@example.com", tries);
    const otp = await failWithNewCode(auth, owner, "ann@example.com", 0);
    expect((await owner.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" })).status).toBe(200);

    // The owner's sign-in forgives the mailbox's failures, not the attacker's IP: even a right code
    // from there is not compared until its hour is over.
    const next = await failWithNewCode(auth, attacker, "ann@example.com", 0);
    const refused = await attacker.post(SIGN_IN, { email: "ann@example.com", otp: next });
    expect(await json(refused)).toMatchObject({ code: "TOO_MANY_ATTEMPTS" });
  });

  it("stops a guesser who rotates IPs at 100 failures a day for the mailbox, the owner too (the trade-off)", async () => {
    const { auth } = setup();
    let ip = 0;
    const nextIp = () => auth.fromIp(`203.0.113.${++ip}`);
    for (let hour = 0; hour < 10; hour++) {
      for (const tries of [3, 3, 3, 1]) await failWithNewCode(auth, nextIp(), "ann@example.com", tries);
      later(3600);
    }
    const owner = auth.fromIp("198.51.100.7");
    const otp = await failWithNewCode(auth, owner, "ann@example.com", 0);
    const refused = await owner.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" });
    expect(await json(refused)).toMatchObject({ code: "TOO_MANY_ATTEMPTS" });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(13 * 3600);

    later(14 * 3600);
    const next = await failWithNewCode(auth, owner, "ann@example.com", 0);
    expect((await owner.post(SIGN_IN, { email: "ann@example.com", otp: next, username: "ann" })).status).toBe(200);
  });

  it("counts no guesses while there is no code to guess, so nobody can lock an address out for free", async () => {
    const { auth } = setup();
    const attacker = auth.fromIp("203.0.113.66");
    for (let i = 0; i < 15; i++) {
      const response = await attacker.post(SIGN_IN, { email: "ann@example.com", otp: "123456" });
      expect(await json(response)).toMatchObject({ code: "INVALID_OTP" });
    }
    const otp = await failWithNewCode(auth, attacker, "ann@example.com", 0);
    expect((await attacker.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" })).status).toBe(200);
  });

  it("forgives earlier failures once the person signs in", async () => {
    const { auth } = setup();
    const person = auth.fromIp("198.51.100.7");
    for (const tries of [3, 3]) await failWithNewCode(auth, person, "ann@example.com", tries);
    const otp = await failWithNewCode(auth, person, "ann@example.com", 2); // 8 failures
    expect((await person.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" })).status).toBe(200);

    for (const tries of [3, 3, 3]) await failWithNewCode(auth, person, "ann@example.com", tries);
    const next = await failWithNewCode(auth, person, "ann@example.com", 0);
    expect((await person.post(SIGN_IN, { email: "ann@example.com", otp: next })).status).toBe(200);
  });

  it("does not count a right code refused for its sign-up fields", async () => {
    const { auth } = setup();
    await auth.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com")!;
    for (let i = 0; i < 12; i++) {
      const refused = await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "NO" });
      expect(await json(refused)).toMatchObject({ code: "INVALID_SIGNUP_PARAMS" });
    }
    expect(
      (await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" })).status,
    ).toBe(200);
  });
});
