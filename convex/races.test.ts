import { describe, expect, it } from "vitest";
import { runInComponent } from "convex-otp-onboarding/test";
import { json, setup } from "./test.setup";

const SIGN_IN = "/sign-in/email-otp";

/** Status and error code of each answer, for counting outcomes. */
const outcomes = (responses: Response[]) =>
  Promise.all(
    responses.map(async (r) => ({
      status: r.status,
      code: (await json(r))?.code as string | undefined,
    })),
  );

// Dozens of requests per test: generous time on a busy machine.
describe("concurrent requests", { timeout: 60_000 }, () => {
  it("compares parallel guesses sent with bad sign-up fields one at a time, within a code's 3 tries", async () => {
    const { t, auth } = setup();
    await auth.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com")!;
    const wrong = Array.from({ length: 30 }, (_, i) => String(i).padStart(6, "0"));
    const guesses = [...wrong.filter((guess) => guess !== otp), otp];

    const answers = await outcomes(
      await Promise.all(
        guesses.map((guess) =>
          auth.post(SIGN_IN, { email: "ann@example.com", otp: guess, username: "NO" }),
        ),
      ),
    );
    // A right code is told apart only by its field issues; every wrong one compared is a failure.
    const toldRight = answers.filter((a) => a.code === "INVALID_SIGNUP_PARAMS").length;
    // The rate limiter's own row for the mailbox's failure ceiling (its table, untyped here).
    const window = await runInComponent(t, "rateLimiter", (ctx) =>
      ctx.db
        .query("rateLimits")
        .withIndex("name", (q: any) => q.eq("name", "otp-failures-per-email").eq("key", "ann@example.com"))
        .unique(),
    );
    const failures = window ? 100 - window.value : 0;
    expect(toldRight + failures).toBeLessThanOrEqual(3);
  });

  it("compares one of 20 parallel guesses from an IP one failure short of its budget, and refuses the rest before comparing", async () => {
    const { auth } = setup();
    const attacker = auth.fromIp("203.0.113.66");
    const wrongFor = (otp: string) => (otp === "000000" ? "111111" : "000000");
    // 9 failures across three codes (each used up lifts the wait): the IP's budget has one left.
    for (let code = 0; code < 3; code++) {
      await attacker.sendOtp("ann@example.com");
      const otp = auth.lastOtp("ann@example.com")!;
      for (let i = 0; i < 3; i++) await attacker.post(SIGN_IN, { email: "ann@example.com", otp: wrongFor(otp) });
    }
    await attacker.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com")!;
    const wrong = Array.from({ length: 20 }, (_, i) => String(100_000 + i)).filter((guess) => guess !== otp);
    const answers = await outcomes(
      await Promise.all(wrong.map((guess) => attacker.post(SIGN_IN, { email: "ann@example.com", otp: guess }))),
    );
    expect(answers.filter((a) => a.code === "INVALID_OTP")).toHaveLength(1);
    expect(answers.filter((a) => a.status === 403 && a.code === "TOO_MANY_ATTEMPTS")).toHaveLength(wrong.length - 1);
    // The budget is spent: the right code is refused too.
    const right = await attacker.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" });
    expect(await json(right)).toMatchObject({ code: "TOO_MANY_ATTEMPTS" });
  });

  it("delivers at most one code when 20 sends for one email race", async () => {
    const { auth } = setup();
    const answers = await outcomes(await Promise.all(Array.from({ length: 20 }, () => auth.sendOtp("ann@example.com"))));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).every((a) => a.code === "RATE_LIMITED")).toBe(true);
    expect(auth.outbox.filter((mail) => mail.to === "ann@example.com")).toHaveLength(1);
  });

  it("creates one user, profile and once-marker when 50 sign-ups race for one username", async () => {
    const { auth, written } = setup();
    const emails = Array.from({ length: 50 }, (_, i) => `racer${i}@example.com`);
    for (const email of emails) expect((await auth.sendOtp(email)).status).toBe(200);

    const answers = await outcomes(
      await Promise.all(
        emails.map((email) =>
          auth.post(SIGN_IN, { email, otp: auth.lastOtp(email), username: "same" }),
        ),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200)).toEqual(
      Array.from({ length: 49 }, () => ({ status: 409, code: "USERNAME_TAKEN" })),
    );
    const { users, profiles, markers } = await written();
    expect([users.length, profiles.length, markers.length]).toEqual([1, 1, 1]);
    expect(profiles[0]).toMatchObject({ userId: users[0]._id, username: "same" });
  });

  it.each([
    ["a new user", false],
    ["a registered user", true],
  ])(
    "opens at most one session when one code is submitted 20 times at once, for %s",
    async (_, registered) => {
      const { auth, written, inAuthComponent } = setup();
      if (registered) await auth.signUp({ email: "ann@example.com", username: "ann" });
      const sessionsBefore = (
        await inAuthComponent<unknown[]>((ctx) => ctx.db.query("session").collect())
      ).length;
      await auth.sendOtp("ann@example.com");
      const otp = auth.lastOtp("ann@example.com");

      const answers = await outcomes(
        await Promise.all(
          Array.from({ length: 20 }, () =>
            auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" }),
          ),
        ),
      );
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      for (const refused of answers.filter((a) => a.status !== 200)) {
        expect(refused.status).toBeGreaterThanOrEqual(400);
        expect(refused.status).toBeLessThan(500);
        expect(refused.code).toEqual(expect.any(String));
      }
      const sessions = await inAuthComponent<unknown[]>((ctx) => ctx.db.query("session").collect());
      expect(sessions.length - sessionsBefore).toBe(1);
      const { users, profiles, markers } = await written();
      expect([users.length, profiles.length, markers.length]).toEqual([1, 1, 1]);
    },
  );

  it("creates one user when sign-ups for one email race under different usernames", async () => {
    const { auth, written } = setup();
    await auth.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com");

    const answers = await outcomes(
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          auth.post(SIGN_IN, { email: "ann@example.com", otp, username: `ann_${i}` }),
        ),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const refused of answers.filter((a) => a.status !== 200)) {
      expect(refused).toEqual({ status: expect.any(Number), code: expect.any(String) });
      expect(refused.status).toBeLessThan(500);
    }
    const { users, profiles, markers } = await written();
    expect([users.length, profiles.length, markers.length]).toEqual([1, 1, 1]);
  });
});
