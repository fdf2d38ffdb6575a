import { afterEach, describe, expect, it, vi } from "vitest";
import { captureMail } from "convex-otp-onboarding/test";
import { json, setup } from "./test.setup";

const SIGN_IN = "/sign-in/email-otp";
const REGISTERED = "ann@example.com";
const UNKNOWN = "nobody@example.com";
const ROUNDS = 32;
// A mail provider answers in tens of milliseconds: a route that mailed only one kind of address
// would show that much difference.
const MAIL_LATENCY_MS = 40;

afterEach(() => void vi.useRealTimers());

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
};

/**
 * Times `request` for both emails over `ROUNDS` rounds, one right after the other (in alternating
 * order) so that the machine's changing load hits both alike. `prepare` runs untimed before each
 * request, an hour after the previous round, so that no limit is reached.
 */
async function timeBoth(
  prepare: (email: string) => Promise<void>,
  request: (email: string) => Promise<Response>,
) {
  const samples: Record<string, number[]> = { [REGISTERED]: [], [UNKNOWN]: [] };
  const answers: Record<string, Set<string>> = { [REGISTERED]: new Set(), [UNKNOWN]: new Set() };
  for (let round = -2; round < ROUNDS; round++) {
    vi.setSystemTime(Date.now() + 3_601_000);
    const order = round % 2 ? [REGISTERED, UNKNOWN] : [UNKNOWN, REGISTERED];
    for (const email of order) {
      await prepare(email);
      const start = performance.now();
      const response = await request(email);
      const body = await json(response);
      const elapsed = performance.now() - start;
      if (round < 0) continue; // warm-up
      samples[email].push(elapsed);
      answers[email].add(JSON.stringify([response.status, body]));
    }
  }
  const registered = samples[REGISTERED];
  const unknown = samples[UNKNOWN];
  return {
    answers: { registered: [...answers[REGISTERED]], unknown: [...answers[UNKNOWN]] },
    /** The median of the per-round differences, and the median time of all requests. */
    difference: median(registered.map((time, round) => time - unknown[round])),
    typical: median([...registered, ...unknown]),
  };
}

/**
 * The typical registered-minus-unknown difference stays under 10 ms or a quarter of a request's
 * time (whichever is more) and under half the mail latency. On a busy machine one batch may miss
 * that by chance, so up to three are taken: a real difference shows in every batch, noise does not.
 */
async function expectSameAnswersAndTiming(
  run: () => ReturnType<typeof timeBoth>,
  expected: unknown,
) {
  const seen = [];
  for (let batch = 0; batch < 3; batch++) {
    const { answers, difference, typical } = await run();
    expect(answers.registered).toEqual([JSON.stringify(expected)]);
    expect(answers.unknown).toEqual(answers.registered);
    const tolerance = Math.min(MAIL_LATENCY_MS / 2, Math.max(10, typical / 4));
    seen.push({ difference, typical, tolerance });
    if (Math.abs(difference) < tolerance) return;
  }
  expect.fail(`registered and unknown emails are told apart by timing: ${JSON.stringify(seen)}`);
}

describe("no answer tells whether an email is registered", () => {
  it("answers a code request alike, in status, body and time", { timeout: 120_000 }, async () => {
    const { auth } = setup();
    await auth.signUp({ email: REGISTERED, username: "ann" });
    vi.useFakeTimers({ toFake: ["Date"] });
    captureMail(() => new Promise((resolve) => setTimeout(resolve, MAIL_LATENCY_MS)));

    await expectSameAnswersAndTiming(
      () =>
        timeBoth(
          async () => {},
          (email) => auth.sendOtp(email),
        ),
      [200, { success: true }],
    );
  });

  it("answers a wrong code alike, in status, body and time", { timeout: 120_000 }, async () => {
    const { auth } = setup();
    await auth.signUp({ email: REGISTERED, username: "ann" });
    vi.useFakeTimers({ toFake: ["Date"] });

    const wrongCode = (email: string) => {
      const otp = auth.lastOtp(email)!;
      return auth.post(SIGN_IN, { email, otp: otp === "000000" ? "111111" : "000000" });
    };
    await expectSameAnswersAndTiming(
      () => timeBoth(async (email) => void (await auth.sendOtp(email)), wrongCode),
      [400, { message: "Invalid OTP", code: "INVALID_OTP", triesLeft: 2 }],
    );
  });
});

const MODES = ["open", "allowlist", "invite", "waitlist"] as const;

/** Status, body and headers of an answer, with the `date` header left out (it is the clock's). */
async function wholeAnswer(response: Response) {
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => void (name !== "date" && headers.push([name, value])));
  return { status: response.status, body: await json(response), headers };
}

/**
 * A backend under the sign-up policy `mode` where `REGISTERED` has an account that the policy
 * would no longer admit (it was on the allowlist when it signed up), and `UNKNOWN` has none.
 */
async function underPolicy(mode: (typeof MODES)[number]) {
  vi.stubEnv("OTP_SIGN_UP", mode);
  vi.stubEnv("OTP_SIGN_UP_ALLOW", REGISTERED);
  const backend = setup();
  await backend.auth.signUp({ email: REGISTERED, username: "ann" });
  vi.stubEnv("OTP_SIGN_UP_ALLOW", "");
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + 3_601_000);
  return backend;
}

describe.each(MODES)("no answer tells whether an email is registered, in %s mode", (mode) => {
  afterEach(() => void vi.unstubAllEnvs());

  it("answers sign-up code requests, wrong invites and wrong codes alike: status, body and headers", { timeout: 60_000 }, async () => {
    const { auth } = await underPolicy(mode);
    const answers: Record<string, unknown[]> = { [REGISTERED]: [], [UNKNOWN]: [] };
    for (const email of [REGISTERED, UNKNOWN]) {
      answers[email]!.push(await wholeAnswer(await auth.sendOtp(email, { username: "someone" })));
      answers[email]!.push(await wholeAnswer(await auth.sendOtp(email, { username: "someone", invite: "ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ" })));
      answers[email]!.push(await wholeAnswer(await auth.post(SIGN_IN, { email, otp: "not-it", username: "someone" })));
    }
    expect(answers[UNKNOWN]).toEqual(answers[REGISTERED]);
    expect((answers[REGISTERED]![0] as { status: number }).status).toBe(200);
    // What differs goes by mail only: a code to the registered address, a notice (closed modes) to the other.
    expect(auth.outbox.filter((mail) => mail.to === REGISTERED)).toHaveLength(2);
    const toUnknown = [...auth.outbox, ...auth.notices].filter((mail) => mail.to === UNKNOWN);
    expect(toUnknown).toHaveLength(1);
  });
});

describe("no answer tells whether an email is registered, by its time, under a waitlist", () => {
  afterEach(() => void vi.unstubAllEnvs());

  it("answers a sign-up code request alike in time when the unknown address is put on the waitlist", { timeout: 120_000 }, async () => {
    const { auth } = await underPolicy("waitlist");
    const latency = () => new Promise<void>((resolve) => setTimeout(resolve, MAIL_LATENCY_MS));
    captureMail(latency, latency);
    await expectSameAnswersAndTiming(
      () => timeBoth(async () => {}, (email) => auth.sendOtp(email, { username: "someone" })),
      [200, { success: true }],
    );
  });
});
