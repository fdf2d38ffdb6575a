import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readDevMailbox } from "convex-otp-onboarding";
import { captureMail } from "convex-otp-onboarding/test";
import { json, setup, strayProfile } from "./test.setup";

const SIGN_IN = "/sign-in/email-otp";
const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;

let logged: string[] = [];
beforeEach(() => {
  logged = [];
  for (const method of CONSOLE_METHODS) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(
        args
          .map((arg) => (typeof arg === "string" ? arg : (JSON.stringify(arg) ?? String(arg))))
          .join(" "),
      );
    });
  }
  // No capture sink: codes go through the configured sender (the dev mailbox), which logs.
  captureMail(() => {})();
});
afterEach(() => void vi.restoreAllMocks());

/** The newest code the dev mailbox holds for `email`. */
const mailedCode = (email: string) => readDevMailbox().find((mail) => mail.to === email)!.otp;

describe("secrets stay out of the logs", () => {
  it("never logs a code or a session token, through sign-up, failures, limits and sign-in", async () => {
    const { t, auth } = setup({ captureMail: false });
    const codes: string[] = [];
    const tokens: string[] = [];
    const send = async (email: string) => {
      const response = await auth.sendOtp(email);
      if (response.ok) codes.push(mailedCode(email));
      return response;
    };

    // Sign-up, with a refused field first and a wrong code.
    await send("ann@example.com");
    const annCode = codes.at(-1)!;
    await auth.post(SIGN_IN, { email: "ann@example.com", otp: annCode, username: "A" });
    await auth.post(SIGN_IN, {
      email: "ann@example.com",
      otp: annCode === "000000" ? "111111" : "000000",
    });
    const signedUp = await json(
      await auth.post(SIGN_IN, { email: "ann@example.com", otp: annCode, username: "ann" }),
    );
    tokens.push(signedUp.token);
    await t.finishAllScheduledFunctions(() => {});

    // A limit, an onboarding that fails, and a sign-in with a Convex token.
    await send("ann@example.com");
    expect((await auth.sendOtp("ann@example.com")).status).toBe(429);
    await t.run((ctx) => ctx.db.insert("profiles", strayProfile("bob")));
    await send("bob@example.com");
    const bobCode = codes.at(-1)!;
    expect(
      (await auth.post(SIGN_IN, { email: "bob@example.com", otp: bobCode, username: "bob" }))
        .status,
    ).toBe(409);
    const signedIn = await json(
      await auth.post(SIGN_IN, { email: "ann@example.com", otp: codes.at(-2) }),
    );
    tokens.push(signedIn.token);
    const convexToken = await json(
      await t.fetch("/api/auth/convex/token", {
        headers: { authorization: `Bearer ${signedIn.token}` },
      }),
    );
    tokens.push(convexToken.token);
    await auth.post("/sign-out", {}, { authorization: `Bearer ${signedIn.token}` });

    expect(codes).toHaveLength(3);
    expect(tokens.every((token) => typeof token === "string" && token.length > 20)).toBe(true);
    // Something was logged (the dev mailbox, the welcome mail, the failed step), just no secret.
    expect(logged.length).toBeGreaterThan(2);
    for (const secret of [...codes, ...tokens]) {
      expect(logged.filter((line) => line.includes(secret))).toEqual([]);
    }
  });
});
