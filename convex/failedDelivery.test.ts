import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mailRefused, type OtpMail } from "convex-otp-onboarding";
import { captureMail } from "convex-otp-onboarding/test";
import { json, setup } from "./test.setup";

const SIGN_IN = "/sign-in/email-otp";

// Only Date is faked: the limits and code expiry read the clock, convex-test's own timers stay real.
beforeEach(() => void vi.useFakeTimers({ toFake: ["Date"] }));
afterEach(() => void vi.useRealTimers());
const later = (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000);

/**
 * The mail provider, as the sender sees it: every code handed over is recorded, and `answer`
 * decides what becomes of it (resolve: delivered; throw: not sent). Installed after `setup()`,
 * in place of the kit's outbox.
 */
function provider(answer: (mail: OtpMail) => void | Promise<void>) {
  const calls: OtpMail[] = [];
  captureMail(async (mail) => {
    calls.push(mail);
    await answer(mail);
  });
  return calls;
}

/** A failure that may pass (a timeout, the provider's 5xx or its own 429): 503. */
const fails = () => {
  throw new Error("provider unreachable");
};
/** A refusal for good (the provider's 4xx for this address): 502. */
const refuses = () => {
  throw mailRefused();
};

const count = (list: number[], status: number) => list.filter((s) => s === status).length;

/** The cleanup jobs still waiting to run. */
async function pendingJobs(t: ReturnType<typeof setup>["t"]) {
  const jobs = await t.run((ctx) => ctx.db.system.query("_scheduled_functions").collect());
  return jobs.filter((job) => job.state.kind === "pending");
}

describe("a delivery that fails keeps what the send spent", { timeout: 60_000 }, () => {
  it("20 sends from one IP to an address whose mail never leaves reach the provider 10 times (its mailbox budget), then 429", async () => {
    const { auth } = setup();
    const calls = provider(fails);
    const attacker = auth.fromIp("203.0.113.120");
    const answers: number[] = [];
    for (let i = 0; i < 20; i++) answers.push((await attacker.sendOtp("refused@example.com")).status);

    expect(calls).toHaveLength(10);
    expect(count(answers, 503)).toBe(10);
    expect(count(answers, 429)).toBe(10);
  });

  it("45 sends from one IP to addresses whose mail never leaves reach the provider 30 times (its IP budget), and the IP stays spent", async () => {
    const { auth } = setup();
    const calls = provider(fails);
    const attacker = auth.fromIp("203.0.113.45");
    const answers: number[] = [];
    for (let i = 0; i < 45; i++) answers.push((await attacker.sendOtp(`refused-${i}@example.com`)).status);

    expect(calls).toHaveLength(30);
    expect(count(answers, 503)).toBe(30);
    expect(count(answers, 429)).toBe(15);
    // Deliverable mail from that IP is refused too: the IP asked for 30 mails and got them sent.
    provider(() => {});
    expect((await attacker.sendOtp("fine@example.com")).status).toBe(429);
  });

  it("lifts the wait after a failure that may pass, so the person can ask again at once", async () => {
    const { auth } = setup();
    const person = auth.fromIp("198.51.100.7");
    provider(fails);
    expect((await person.sendOtp("ann@example.com")).status).toBe(503);
    const calls = provider(() => {});
    expect((await person.sendOtp("ann@example.com")).status).toBe(200);
    const signedIn = await person.post(SIGN_IN, { email: "ann@example.com", otp: calls[0]!.otp, username: "ann" });
    expect(signedIn.status).toBe(200);
  });

  it("lifts nothing after a refusal for good: the next send for that address waits, and the provider is not asked again", async () => {
    const { auth, written } = setup();
    const calls = provider(refuses);
    const attacker = auth.fromIp("203.0.113.66");
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await attacker.sendOtp("suppressed@example.com")).status);

    expect(answers).toEqual([502, 429, 429, 429, 429]);
    expect(calls).toHaveLength(1);
    expect((await written()).codes).toEqual([]);
    later(31);
    expect((await attacker.sendOtp("suppressed@example.com")).status).toBe(502);
  });

  it("takes the code's scheduled cleanup with the code, so failed sends leave no jobs behind", async () => {
    const { t, auth, written } = setup();
    provider(fails);
    for (let i = 0; i < 5; i++) expect((await auth.sendOtp(`gone-${i}@example.com`)).status).toBe(503);
    provider(refuses);
    expect((await auth.sendOtp("suppressed@example.com")).status).toBe(502);

    expect((await written()).codes).toEqual([]);
    expect(await pendingJobs(t)).toEqual([]);
    // A delivered code keeps its cleanup.
    provider(() => {});
    expect((await auth.sendOtp("ann@example.com")).status).toBe(200);
    expect(await pendingJobs(t)).toHaveLength(1);
  });
});

/**
 * Send #1 to `email` hangs at the provider past the resend wait; meanwhile send #2 is delivered;
 * then #1 fails. Returns #1's answer and the code #2 delivered.
 */
async function lateFailure(client: ReturnType<ReturnType<typeof setup>["auth"]["fromIp"]>, email: string) {
  let failFirst!: (error: Error) => void;
  let firstReached!: () => void;
  const reached = new Promise<void>((resolve) => (firstReached = resolve));
  const calls = provider(() => {
    if (calls.length > 1) return; // #2: delivered at once
    firstReached();
    return new Promise<void>((_, reject) => (failFirst = reject));
  });
  const first = client.sendOtp(email);
  await reached;
  later(31);
  expect((await client.sendOtp(email)).status).toBe(200);
  failFirst(new Error("provider timed out"));
  expect((await first).status).toBe(503);
  return calls[1]!.otp;
}

describe("a late failure takes back only its own code", { timeout: 30_000 }, () => {
  it("a slow send #1 that fails after send #2 was delivered leaves #2's code working", async () => {
    const { auth } = setup();
    const person = auth.fromIp("198.51.100.7");
    const second = await lateFailure(person, "ann@example.com");
    const signedIn = await person.post(SIGN_IN, { email: "ann@example.com", otp: second, username: "ann" });
    expect(await json(signedIn)).toMatchObject({ token: expect.any(String) });
  });

  it("a late failure does not lift the wait that the delivered code set", async () => {
    const { auth } = setup();
    const person = auth.fromIp("198.51.100.8");
    await lateFailure(person, "bob@example.com");
    expect((await person.sendOtp("bob@example.com")).status).toBe(429);
  });
});
