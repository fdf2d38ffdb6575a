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

  it("counts dotted Gmail addresses as one mailbox", async () => {
    const { auth } = setup();
    const spellings = ["ann.lee@gmail.com", "annlee@gmail.com", "a.n.n.l.e.e@googlemail.com", "Ann.Lee+x@Gmail.com"];
    const answers = [];
    for (const email of spellings) answers.push(await json(await auth.sendOtp(email)));
    expect(answers[0]).toEqual({ success: true });
    for (const answer of answers.slice(1)) expect(answer).toMatchObject({ code: "RATE_LIMITED" });
  });
});
