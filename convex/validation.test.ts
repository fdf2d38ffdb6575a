import { describe, expect, it } from "vitest";
import { json, setup } from "./test.setup";

const SIGN_IN = "/sign-in/email-otp";

describe("validation before anything is written or mailed", () => {
  it.each([
    ["a malformed email", { email: "not-an-email" }, "email"],
    ["a missing email", {}, "email"],
    ["an email of the wrong type", { email: 42 }, "email"],
  ])("refuses to send a code for %s", async (_, body, path) => {
    const { auth, written } = setup();
    const response = await auth.post("/email-otp/send-verification-otp", { type: "sign-in", ...body });

    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ code: "INVALID_SIGNUP_PARAMS", issues: [{ path }] });
    expect(auth.outbox).toEqual([]);
    expect((await written()).codes).toEqual([]);
  });

  it.each([
    ["too short", "ab", /at least 3/],
    ["too long", "a".repeat(21), /at most 20/],
    ["with capitals", "Ann", /lowercase/],
    ["with a space", "ann lee", /lowercase/],
  ])("refuses a username %s sent early with the code request", async (_, username, message) => {
    const { auth, written } = setup();
    const response = await auth.sendOtp("ann@example.com", { username });

    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body.code).toBe("INVALID_SIGNUP_PARAMS");
    expect(body.issues).toEqual([{ path: "username", message: expect.stringMatching(message) }]);
    expect(auth.outbox).toEqual([]);
    expect((await written()).codes).toEqual([]);
  });

  it("reports every bad field at once", async () => {
    const { auth } = setup();
    const response = await auth.sendOtp("nope", { username: "A", name: "x".repeat(51) });
    const body = await json(response);
    const paths = new Set(body.issues.map((issue: { path: string }) => issue.path));
    expect([...paths].sort()).toEqual(["email", "name", "username"]);
  });

  it("reports a taken username before sending a code", async () => {
    const { auth } = setup();
    await auth.signUp({ email: "ann@example.com", username: "ann" });
    const sent = auth.outbox.length;

    const response = await auth.sendOtp("other@example.com", { username: "ann" });
    expect(response.status).toBe(409);
    expect(await json(response)).toMatchObject({ code: "USERNAME_TAKEN" });
    expect(auth.outbox).toHaveLength(sent);
  });

  it("sends a code to a trimmed, lower-cased email", async () => {
    const { auth } = setup();
    const response = await auth.sendOtp("  Ann@Example.COM ", { username: "ann" });
    expect(response.status).toBe(200);
    expect(auth.outbox.map((mail) => mail.to)).toEqual(["ann@example.com"]);
  });

  it.each([
    ["a missing username", {}, "username"],
    ["a bad username", { username: "no!" }, "username"],
    ["a too long name", { username: "ann", name: "x".repeat(51) }, "name"],
  ])("refuses %s at sign-up without spending the code", async (_, fields, path) => {
    const { auth, written } = setup();
    await auth.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com")!;

    const refused = await auth.post(SIGN_IN, { email: "ann@example.com", otp, ...fields });
    expect(refused.status).toBe(400);
    expect(await json(refused)).toMatchObject({ code: "INVALID_SIGNUP_PARAMS", issues: [{ path }] });
    const after = await written();
    expect([after.users.length, after.profiles.length, after.markers.length]).toEqual([0, 0, 0]);

    // Fixing the field and submitting the same code again succeeds.
    const fixed = await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann", name: "Ann" });
    expect(fixed.status).toBe(200);
    expect((await written()).profiles).toHaveLength(1);
  });

  it("refuses a bad email at sign-in with a field issue", async () => {
    const { auth } = setup();
    const response = await auth.post(SIGN_IN, { email: "nope", otp: "123456", username: "ann" });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ code: "INVALID_SIGNUP_PARAMS", issues: [{ path: "email" }] });
  });

  it("refuses a username taken between sending and signing in, and keeps the code", async () => {
    const { auth, written } = setup();
    await auth.sendOtp("bob@example.com");
    const otp = auth.lastOtp("bob@example.com")!;
    await auth.signUp({ email: "ann@example.com", username: "ann" });

    const taken = await auth.post(SIGN_IN, { email: "bob@example.com", otp, username: "ann" });
    expect(taken.status).toBe(409);
    expect(await json(taken)).toMatchObject({ code: "USERNAME_TAKEN" });
    expect((await written()).users).toHaveLength(1);

    const other = await auth.post(SIGN_IN, { email: "bob@example.com", otp, username: "bob" });
    expect(other.status).toBe(200);
  });

  it("creates exactly one user when two sign-ups race for one username", async () => {
    const { auth, written } = setup();
    const emails = ["ann@example.com", "bob@example.com"];
    for (const email of emails) await auth.sendOtp(email);

    const answers = await Promise.all(
      emails.map((email) => auth.post(SIGN_IN, { email, otp: auth.lastOtp(email), username: "same" })),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 409]);
    const loser = answers.find((answer) => answer.status === 409)!;
    expect(await json(loser)).toMatchObject({ code: "USERNAME_TAKEN" });
    const { users, profiles, markers } = await written();
    expect([users.length, profiles.length, markers.length]).toEqual([1, 1, 1]);
  });
});

describe("codes", () => {
  it("refuses a wrong code with INVALID_OTP", async () => {
    const { auth, written } = setup();
    await auth.sendOtp("ann@example.com");
    const wrong = auth.lastOtp("ann@example.com") === "000000" ? "111111" : "000000";

    const response = await auth.post(SIGN_IN, { email: "ann@example.com", otp: wrong, username: "ann" });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ code: "INVALID_OTP" });
    expect((await written()).users).toEqual([]);
  });

  it("counts down the tries left, then refuses even the right code after 3 wrong ones with TOO_MANY_ATTEMPTS", async () => {
    const { auth, written } = setup();
    await auth.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com")!;
    const wrong = otp === "000000" ? "111111" : "000000";
    // Each wrong try says how many the code has left; at 0 only a new code helps.
    for (const triesLeft of [2, 1, 0]) {
      const response = await auth.post(SIGN_IN, { email: "ann@example.com", otp: wrong, username: "ann" });
      expect(await json(response)).toMatchObject({ code: "INVALID_OTP", triesLeft });
    }

    const right = await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" });
    expect(right.status).toBe(403);
    expect(await json(right)).toMatchObject({ code: "TOO_MANY_ATTEMPTS" });
    expect((await written()).users).toEqual([]);
  });

  it("answers the same to a wrong code whether or not the email is registered", async () => {
    const { auth } = setup();
    await auth.signUp({ email: "ann@example.com", username: "ann" });
    const answers = [];
    for (const email of ["ann@example.com", "new@example.com"]) {
      await auth.sendOtp(email);
      const wrong = auth.lastOtp(email) === "000000" ? "111111" : "000000";
      // No sign-up fields: a new email would need them, but without the right code that must not show.
      const response = await auth.post(SIGN_IN, { email, otp: wrong });
      answers.push([response.status, await json(response)]);
    }
    expect(answers[0]).toEqual(answers[1]);
  });

  it("answers the same to a code request whether or not the email is registered", async () => {
    const { auth } = setup();
    await auth.signUp({ email: "ann@example.com", username: "ann" });
    const known = await auth.sendOtp("ann@example.com");
    const unknown = await auth.sendOtp("new@example.com");
    expect([known.status, await json(known)]).toEqual([unknown.status, await json(unknown)]);
  });
});
