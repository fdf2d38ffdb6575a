import { describe, expect, it } from "vitest";
import { json, setup } from "./test.setup";

describe("limits count mailboxes, not spellings", { timeout: 30_000 }, () => {
  it("sends one code to a mailbox however its +tag aliases are spelled, and stores every address as given", async () => {
    const { auth, written } = setup();
    const bomber = auth.fromIp("203.0.113.66");
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push((await bomber.sendOtp(`bomb+${i}@example.com`)).status);
    expect(answers.filter((status) => status === 200)).toHaveLength(1);
    expect(answers.filter((status) => status === 429)).toHaveLength(39);
    expect(auth.outbox).toHaveLength(1);
    // The address the person typed is the one kept, never rewritten.
    expect((await written()).codes.map((code: { identifier: string }) => code.identifier)).toEqual([
      "sign-in-otp-bomb+0@example.com",
    ]);
  });

  it("keeps one wait for the whole mailbox while its code is live, and ends it for every spelling once the code is used", async () => {
    const { auth } = setup();
    expect((await auth.sendOtp("ann+one@example.com")).status).toBe(200);
    expect(await json(await auth.sendOtp("ann+two@example.com"))).toMatchObject({ code: "RATE_LIMITED" });
    const otp = auth.lastOtp("ann+one@example.com");
    expect((await auth.post("/sign-in/email-otp", { email: "ann+one@example.com", otp, username: "ann_one" })).status).toBe(200);
    expect((await auth.sendOtp("ann+two@example.com")).status).toBe(200);
    // The new code starts the mailbox's wait again, for the first spelling too.
    expect(await json(await auth.sendOtp("ann+one@example.com"))).toMatchObject({ code: "RATE_LIMITED" });
  });

  it("ends the mailbox's wait for every spelling once its code has run out of tries", async () => {
    const { auth } = setup();
    await auth.sendOtp("Bob.Ray@gmail.com");
    const wrong = auth.lastOtp("bob.ray@gmail.com") === "000000" ? "111111" : "000000";
    const answers = [];
    for (let i = 0; i < 3; i++) {
      answers.push(await json(await auth.post("/sign-in/email-otp", { email: "bob.ray@gmail.com", otp: wrong, username: "bob" })));
    }
    expect(answers.map((answer) => answer.triesLeft)).toEqual([2, 1, 0]);
    expect((await auth.sendOtp("bobray+x@googlemail.com")).status).toBe(200);
  });

  it("counts dotted Gmail addresses as one mailbox", async () => {
    const { auth } = setup();
    const spellings = ["ann.lee@gmail.com", "annlee@gmail.com", "a.n.n.l.e.e@googlemail.com", "Ann.Lee+x@Gmail.com"];
    const answers = [];
    for (const email of spellings) answers.push(await json(await auth.sendOtp(email)));
    expect(answers[0]).toEqual({ success: true });
    for (const answer of answers.slice(1)) expect(answer).toMatchObject({ code: "RATE_LIMITED" });
  });
});
