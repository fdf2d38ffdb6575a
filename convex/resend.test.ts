// @vitest-environment node
// Node, not edge-runtime: the fake Resend API (resend.fixture.ts) is a node:http server.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { resendSender, type OtpMail } from "convex-otp-onboarding";
import { codeIn, fakeResend } from "./resend.fixture";
import { setup } from "./test.setup";

const TIMEOUT_MS = 100;
const PATIENT_TIMEOUT_MS = 5_000;
let resend: Awaited<ReturnType<typeof fakeResend>>;

beforeAll(async () => {
  resend = await fakeResend();
});
afterEach(() => {
  resend.reset();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.resetModules();
});
afterAll(() => resend.close());

/**
 * The reference backend under the given environment, with the kit's mail capture off so that the
 * configured sender runs. Its modules load afresh (see `vi.resetModules` above), so `mailer.ts`
 * chooses the sender from this environment.
 */
function backend(env: Record<string, string>) {
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  return setup({ captureMail: false });
}

const withResend = (timeoutMs = PATIENT_TIMEOUT_MS) =>
  backend({
    RESEND_API_KEY: "re_test_0123456789",
    RESEND_FROM: "OTP Onboarding <onboarding@example.com>",
    RESEND_BASE_URL: resend.url,
    RESEND_TIMEOUT_MS: String(timeoutMs),
  });

async function signUpWith(auth: ReturnType<typeof setup>["auth"], email: string, otp: string | undefined) {
  const response = await auth.post("/sign-in/email-otp", { email, otp, username: "ann" });
  return { status: response.status, body: (await response.json()) as { code?: string; token?: string } };
}

describe("codes sent through Resend", () => {
  it("sends one mail through the Resend API with the key, sender, recipient, subject and code", async () => {
    const { auth, written } = withResend();
    const response = await auth.sendOtp("Ann@Example.com");
    expect(response.status).toBe(200);

    expect(resend.received).toHaveLength(1);
    const [mail] = resend.received;
    expect(mail.headers.authorization).toBe("Bearer re_test_0123456789");
    expect(mail.headers["idempotency-key"]).toMatch(/^otp-/);
    expect(mail.body.from).toBe("OTP Onboarding <onboarding@example.com>");
    expect(mail.body.to).toBe("ann@example.com");
    expect(mail.body.subject).toBe("Your OTP Onboarding sign-in code");
    const otp = codeIn(mail)!;
    expect(otp).toMatch(/^\d{6}$/);
    expect(mail.body.html).toContain(otp);
    expect(mail.body.subject).not.toContain(otp);

    // The code is stored, but only as its keyed hash.
    const { codes } = await written();
    expect(codes).toHaveLength(1);
    expect(JSON.stringify(codes)).not.toContain(otp);
  });

  it("writes a mail a person can trust: validity, app name, what to do if unasked, one link to the app only", async () => {
    const { auth } = withResend();
    await auth.sendOtp("ann@example.com");
    const { text, html } = resend.received[0].body;
    const otp = codeIn(resend.received[0]);
    // The one link opens the app (SITE_URL), with the address and code in its fragment only.
    const link = `http://localhost:3000/code#email=ann%40example.com&otp=${otp}&type=sign-in`;
    for (const body of [text, html]) {
      expect(body).toContain("valid for 5 minutes");
      expect(body).toContain("OTP Onboarding");
      expect(body).toContain("If you did not ask for this code, ignore this email");
      expect(body).not.toMatch(/<img\s/i);
      const links = body.replaceAll("&#38;", "&").match(/https?:[^\s"<]+/g);
      expect(new Set(links)).toEqual(new Set([link]));
    }
  });

  it("signs the person up with the code from the mail", async () => {
    const { auth } = withResend();
    await auth.sendOtp("ann@example.com");
    const signedUp = await signUpWith(auth, "ann@example.com", codeIn(resend.received[0]));
    expect(signedUp.status).toBe(200);
    const ann = await auth.session(signedUp.body.token!);
    expect(ann.userId).toBeTruthy();
  });

  it("retries a 500 once and sends exactly one mail, under one idempotency key", async () => {
    const { auth } = withResend();
    resend.fail(500);
    const response = await auth.sendOtp("ann@example.com");
    expect(response.status).toBe(200);

    expect(resend.received).toHaveLength(2);
    const [first, second] = resend.received;
    expect(second.headers["idempotency-key"]).toBe(first.headers["idempotency-key"]);
    expect(codeIn(second)).toBe(codeIn(first));
    expect((await signUpWith(auth, "ann@example.com", codeIn(second))).status).toBe(200);
  });

  it("answers 503 OTP_DELIVERY_FAILED after two 500s, and the unsent code does not sign in", async () => {
    const { auth, written } = withResend();
    resend.fail(500, 500);
    const response = await auth.sendOtp("ann@example.com");
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: "OTP_DELIVERY_FAILED" });

    expect(resend.received).toHaveLength(2);
    expect((await written()).codes).toEqual([]);
    const refused = await signUpWith(auth, "ann@example.com", codeIn(resend.received[1]));
    expect(refused).toMatchObject({ status: 400, body: { code: "INVALID_OTP" } });
    expect((await written()).users).toEqual([]);
  });

  it("lets the person ask for a new code at once after a failed delivery", async () => {
    const { auth } = withResend();
    resend.fail(500, 500);
    expect((await auth.sendOtp("ann@example.com")).status).toBe(503);

    const again = await auth.sendOtp("ann@example.com");
    expect(again.status).toBe(200);
    expect((await signUpWith(auth, "ann@example.com", codeIn(resend.received[2]))).status).toBe(200);
  });

  it("gives up on a stalled API within the timeout, answers 503 and leaves no usable code", async () => {
    const { auth, written } = withResend(TIMEOUT_MS);
    resend.stall(2, 2_000);
    const started = Date.now();
    const response = await auth.sendOtp("ann@example.com");
    const elapsed = Date.now() - started;
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: "OTP_DELIVERY_FAILED" });
    // Two attempts of 100 ms and one short backoff: less than a single stall.
    expect(elapsed).toBeLessThan(2_000);
    expect((await written()).codes).toEqual([]);

    const refused = await signUpWith(auth, "ann@example.com", codeIn(resend.received[1]));
    expect(refused).toMatchObject({ status: 400, body: { code: "INVALID_OTP" } });
  });

  it("answers 502 without retrying when Resend refuses the mail (4xx)", async () => {
    const { auth, written } = withResend();
    resend.fail(422);
    const response = await auth.sendOtp("ann@example.com");
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ code: "OTP_DELIVERY_FAILED" });
    expect(resend.received).toHaveLength(1);
    expect((await written()).codes).toEqual([]);
  });

  it("answers 503 when the API cannot be reached at all", async () => {
    const { auth } = backend({
      RESEND_API_KEY: "re_test_0123456789",
      RESEND_FROM: "onboarding@example.com",
      // Nothing listens on port 9 (discard) here: the connection is refused.
      RESEND_BASE_URL: "http://127.0.0.1:9",
    });
    const response = await auth.sendOtp("ann@example.com");
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: "OTP_DELIVERY_FAILED" });
  });

  it("never writes the code to the logs, even when delivery fails", async () => {
    const lines: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args) => void lines.push(args.join(" ")));
    }
    const { auth } = withResend();
    resend.fail(500);
    await auth.sendOtp("ann@example.com");
    resend.fail(500, 500);
    await auth.sendOtp("bob@example.com");

    const codes = resend.received.map(codeIn);
    expect(codes).toHaveLength(4);
    expect(lines.some((line) => line.includes("retrying once"))).toBe(true);
    for (const code of codes) expect(lines.join("\n")).not.toContain(code);
  });
});

/** The statuses of `times` code requests from one client IP, the i-th to `emailOf(i)`. */
async function sendsFromOneIp(auth: ReturnType<typeof setup>["auth"], times: number, emailOf: (i: number) => string) {
  const client = auth.fromIp("203.0.113.45");
  const answers: number[] = [];
  for (let i = 0; i < times; i++) answers.push((await client.sendOtp(emailOf(i))).status);
  return answers;
}

describe("limits when Resend refuses every mail", { timeout: 30_000 }, () => {
  it("45 sends from one client IP reach Resend at most 30 times (the IP's budget), then answer 429", async () => {
    const { auth } = withResend();
    vi.spyOn(console, "error").mockImplementation(() => {});
    // A refusal for good (422): not retried, so one request per send that the budgets let through.
    resend.fail(...Array.from({ length: 45 }, () => 422));
    const answers = await sendsFromOneIp(auth, 45, (i) => `refused-${i}@example.com`);

    expect(resend.received).toHaveLength(30);
    expect(answers.slice(0, 30).every((status) => status === 502)).toBe(true);
    expect(answers.slice(30).every((status) => status === 429)).toBe(true);
  });

  it("one refused address reaches Resend once, then waits like a sent code", async () => {
    const { auth } = withResend();
    vi.spyOn(console, "error").mockImplementation(() => {});
    resend.fail(...Array.from({ length: 10 }, () => 422));
    const answers = await sendsFromOneIp(auth, 10, () => "suppressed@example.com");
    expect(resend.received).toHaveLength(1);
    expect(answers).toEqual([502, ...Array.from({ length: 9 }, () => 429)]);
  });
});

describe("choosing the sender", () => {
  it("uses the dev mailbox when RESEND_API_KEY is not set, and logs which sender is active", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const { auth } = backend({ RESEND_API_KEY: "" });
    const { readDevMailbox } = await import("convex-otp-onboarding");
    const response = await auth.sendOtp("dev@example.com");
    expect(response.status).toBe(200);

    expect(resend.received).toHaveLength(0);
    expect(readDevMailbox()[0]).toMatchObject({ to: "dev@example.com", subject: "Your OTP Onboarding sign-in code" });
    expect(log).toHaveBeenCalledWith("[otp-onboarding] codes are sent with dev mailbox");
  });

  it("logs Resend as the active sender once, without the key", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const { auth } = withResend();
    await auth.sendOtp("ann@example.com");
    await auth.sendOtp("bob@example.com");
    const choices = log.mock.calls.map((args) => args.join(" ")).filter((line) => line.includes("codes are sent"));
    expect(choices).toEqual(["[otp-onboarding] codes are sent with Resend (from OTP Onboarding <onboarding@example.com>)"]);
  });

  it("keeps no code on a Convex deployment without Resend: 503 OTP_DELIVERY_FAILED, the log says what to set", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    vi.spyOn(console, "log").mockImplementation(() => {});
    const { auth, written } = backend({ RESEND_API_KEY: "", CONVEX_CLOUD_URL: "https://happy-otter-123.convex.cloud" });
    const response = await auth.sendOtp("cloud@example.com");
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: "OTP_DELIVERY_FAILED" });
    expect((await written()).codes).toEqual([]);
    expect(error.mock.calls.flat().join("\n")).toMatch(/devMailbox\(\) does not deliver on the Convex cloud deployment https:\/\/happy-otter-123\.convex\.cloud/);
  });

  it("refuses to start with RESEND_API_KEY but no RESEND_FROM", async () => {
    vi.stubEnv("RESEND_API_KEY", "re_test_0123456789");
    vi.stubEnv("RESEND_FROM", "");
    await expect(import("./mailer")).rejects.toThrow(/RESEND_FROM/);
  });
});

describe("resendSender", () => {
  const mail: OtpMail = {
    to: "ann@example.com",
    otp: "123456",
    type: "sign-in",
    expiresInMinutes: 10,
    appName: "Acme",
  };

  it("refuses a key that is not a Resend key, without echoing it", () => {
    expect(() => resendSender({ apiKey: "sk_live_secret", from: "codes@acme.dev" })).toThrow(/start with `re_`/);
    expect(() => resendSender({ apiKey: "sk_live_secret", from: "codes@acme.dev" })).not.toThrow(/sk_live_secret/);
  });

  it("refuses a missing or malformed sender", () => {
    expect(() => resendSender({ apiKey: "re_123", from: "" })).toThrow(/`from` must be/);
    expect(() => resendSender({ apiKey: "re_123", from: "Acme" })).toThrow(/`from` must be/);
    expect(() => resendSender({ apiKey: "re_123", from: "Acme <codes@acme.dev>" })).not.toThrow();
  });

  it("lets the consumer replace parts of the message and keeps the rest", async () => {
    const sender = resendSender({
      apiKey: "re_123",
      from: "Acme <codes@acme.dev>",
      replyTo: "help@acme.dev",
      baseUrl: resend.url,
      message: (m, defaults) => ({ subject: `Acme code for ${m.to}`, text: `${defaults.text}\n\nAcme Inc.` }),
    });
    await sender.send(mail);
    const { body } = resend.received[0];
    expect(body.subject).toBe("Acme code for ann@example.com");
    expect(body.text).toContain("123456");
    expect(body.text).toContain("valid for 10 minutes");
    expect(body.text.endsWith("Acme Inc.")).toBe(true);
    expect(body.html).toContain("123456");
    expect(body.reply_to).toBe("help@acme.dev");
  });

  it("escapes the app name in the HTML body", async () => {
    const sender = resendSender({ apiKey: "re_123", from: "codes@acme.dev", baseUrl: resend.url });
    await sender.send({ ...mail, appName: "<b>Acme</b>" });
    expect(resend.received[0].body.html).toContain("&#60;b&#62;Acme&#60;/b&#62;");
    expect(resend.received[0].body.html).not.toContain("<b>Acme");
  });
});
