/**
 * Who may sign up: each mode of the sign-up policy, driven through the reference app's environment
 * switches (`OTP_SIGN_UP`, `OTP_SIGN_UP_ALLOW`, `OTP_REVIEW_ACCOUNTS`) over the real routes, with the
 * races that only one transaction per request can win.
 */
import { insideTransaction } from "convex-otp-onboarding/test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, internal } from "./_generated/api";
import { signUpPolicy } from "./auth";
import { json, setup } from "./test.setup";

const SIGN_IN = "/sign-in/email-otp";

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

/** A fresh backend under the sign-up policy the environment `env` describes. */
function withPolicy(env: Record<string, string>) {
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  return setup();
}
type Backend = ReturnType<typeof setup>;

/** Status and error code of an answer. */
const outcome = async (response: Response) => ({ status: response.status, code: (await json(response))?.code });

/** A signed-in inviter and an invite of theirs. */
async function inviteFrom({ t, auth }: Backend, args: { email?: string; uses?: number; expiresInDays?: number } = {}) {
  const inviter = await auth.signUp({ email: "owner@acme.test", username: "owner" });
  const { code } = await inviter.as.mutation(api.invites.create, args);
  return { inviter, code, t };
}

/** Asks for a code with sign-up fields, as the sign-up form does. */
const askToSignUp = (auth: Backend["auth"], email: string, fields: Record<string, unknown>) =>
  auth.sendOtp(email, fields);

describe("invite mode", { timeout: 60_000 }, () => {
  it("mails no code to an unknown address without an invite, only a notice, and answers as for anyone", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "invite", OTP_SIGN_UP_ALLOW: "@acme.test" });
    const { auth, written } = backend;
    const response = await askToSignUp(auth, "eve@example.com", { username: "eve" });
    expect([response.status, await json(response)]).toEqual([200, { success: true }]);
    expect(auth.lastOtp("eve@example.com")).toBeUndefined();
    expect(auth.notices).toEqual([expect.objectContaining({ kind: "sign-up-closed", to: "eve@example.com" })]);
    expect((await written()).users).toEqual([]);
  });

  it("admits an invited address: the invite is redeemed with the user, and the profile says who invited", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "invite", OTP_SIGN_UP_ALLOW: "@acme.test" });
    const { inviter, code } = await inviteFrom(backend);
    const bob = await backend.auth.signUp({ email: "bob@example.com", username: "bob", invite: code });
    expect(await bob.as.query(api.profiles.me, {})).toMatchObject({ username: "bob", invitedBy: "owner" });
    const [invite] = await inviter.as.query(api.invites.mine, {});
    expect(invite).toMatchObject({ used: 1, uses: 1, state: "used", joined: [bob.userId] });
    // The code is no part of the user.
    const { users } = await backend.written();
    expect(users.find((user: any) => user.email === "bob@example.com")).not.toHaveProperty("invite");
  });

  it("accepts the code however it is typed: lower case, without dashes, with spaces", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "invite", OTP_SIGN_UP_ALLOW: "@acme.test" });
    const { code } = await inviteFrom(backend);
    const typed = ` ${code.toLowerCase().replace(/-/g, " ")} `;
    await backend.auth.signUp({ email: "bob@example.com", username: "bob", invite: typed });
  });

  it("answers INVITE_INVALID for unknown, used, revoked, expired and elsewhere-bound invites, alike", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "invite", OTP_SIGN_UP_ALLOW: "@acme.test" });
    const { auth } = backend;
    const { inviter, code: used } = await inviteFrom(backend);
    await auth.signUp({ email: "bob@example.com", username: "bob", invite: used });
    const { code: revoked } = await inviter.as.mutation(api.invites.create, {});
    const [latest] = await inviter.as.query(api.invites.mine, {});
    expect(await inviter.as.mutation(api.invites.revoke, { inviteId: latest.inviteId })).toBe(true);
    const { code: bound } = await inviter.as.mutation(api.invites.create, { email: "cat@example.com" });
    const { code: expiring } = await inviter.as.mutation(api.invites.create, { expiresInDays: 1 });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 2 * 24 * 3600 * 1000);

    const answers = [];
    for (const invite of ["ABCDE-FGHJK-MNPQR-STVWX", used, revoked, bound, expiring, "not a code"]) {
      const response = await askToSignUp(auth, "dan@example.com", { username: "dan", invite });
      answers.push([response.status, await json(response)]);
    }
    for (const answer of answers) expect(answer).toEqual([400, { code: "INVITE_INVALID", message: "This invite code is not valid" }]);
    expect(auth.outbox.filter((mail) => mail.to === "dan@example.com")).toEqual([]);
  });

  it("lets only the bound mailbox redeem a bound invite, in any of its spellings", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "invite", OTP_SIGN_UP_ALLOW: "@acme.test" });
    const { code } = await inviteFrom(backend, { email: "cat@example.com" });
    expect(await outcome(await askToSignUp(backend.auth, "dog@example.com", { username: "dog", invite: code }))).toEqual({
      status: 400,
      code: "INVITE_INVALID",
    });
    await backend.auth.signUp({ email: "Cat+beta@Example.com", username: "cat", invite: code });
  });

  it("admits as many sign-ups as the invite has uses, then refuses", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "invite", OTP_SIGN_UP_ALLOW: "@acme.test" });
    const { code } = await inviteFrom(backend, { uses: 2 });
    await backend.auth.signUp({ email: "ann1@example.com", username: "ann1", invite: code });
    await backend.auth.signUp({ email: "ann2@example.com", username: "ann2", invite: code });
    expect(await outcome(await askToSignUp(backend.auth, "ann3@example.com", { username: "ann3", invite: code }))).toEqual({
      status: 400,
      code: "INVITE_INVALID",
    });
  });

  it("refuses a right code without an invite with SIGN_UP_CLOSED, writes nothing, and the code still works", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "invite", OTP_SIGN_UP_ALLOW: "@acme.test" });
    const { code: invite } = await inviteFrom(backend);
    const { auth, written } = backend;
    // A send without sign-up fields is a sign-in: not the policy's business, so the code is mailed.
    expect((await auth.sendOtp("bob@example.com")).status).toBe(200);
    const otp = auth.lastOtp("bob@example.com")!;
    const before = await written();

    const refused = await auth.post(SIGN_IN, { email: "bob@example.com", otp, username: "bob" });
    expect([refused.status, await json(refused)]).toEqual([
      403,
      { code: "SIGN_UP_CLOSED", message: "New accounts cannot be created for this address" },
    ]);
    expect(await written()).toEqual(before);
    const admitted = await auth.post(SIGN_IN, { email: "bob@example.com", otp, username: "bob", invite });
    expect(admitted.status).toBe(200);
  });

  it("lets registered users sign in whatever the mode, with or without sign-up fields", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "invite", OTP_SIGN_UP_ALLOW: "@acme.test" });
    const { auth } = backend;
    await auth.signUp({ email: "owner@acme.test", username: "owner" });
    await auth.signIn("owner@acme.test");
    vi.stubEnv("OTP_SIGN_UP_ALLOW", "");
    await auth.signUp({ email: "owner@acme.test", username: "owner" });
    expect(auth.notices).toEqual([]);
  });

  it("spends the client IP's budget on wrong invite codes, at the send and at the sign-in", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "invite" });
    const guesser = backend.auth.fromIp("203.0.113.9");
    const answers = await Promise.all(
      Array.from({ length: 31 }, (_, i) =>
        guesser.post(i % 2 ? "/email-otp/send-verification-otp" : SIGN_IN, {
          email: `g${i}@example.com`,
          ...(i % 2 ? { type: "sign-in" } : { otp: "123456" }),
          username: `g${i}`,
          invite: `ZZZZZ-ZZZZZ-ZZZZZ-ZZZ${String(i).padStart(2, "0")}`,
        }),
      ).map((request) => request.then(outcome)),
    );
    // 30 sends an hour per IP by default: every guess paid, the 31st found the budget spent.
    expect(answers.filter((a) => a.code === "INVITE_INVALID")).toHaveLength(30);
    expect(answers.filter((a) => a.code === "RATE_LIMITED")).toHaveLength(1);
  });
});

describe("races on one invite", { timeout: 60_000 }, () => {
  it("gives exactly one user when 20 sign-ups race with a single-use invite; the others keep their codes", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "invite", OTP_SIGN_UP_ALLOW: "@acme.test" });
    const { code: invite } = await inviteFrom(backend);
    const { auth, written } = backend;
    const emails = Array.from({ length: 20 }, (_, i) => `racer${i}@example.com`);
    const nameOf = (email: string) => email.split("@")[0];
    for (const email of emails) expect((await askToSignUp(auth, email, { username: nameOf(email), invite })).status).toBe(200);

    const answers = await Promise.all(
      emails.map((email) =>
        auth.post(SIGN_IN, { email, otp: auth.lastOtp(email), username: nameOf(email), invite }).then(outcome),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200)).toEqual(Array.from({ length: 19 }, () => ({ status: 400, code: "INVITE_INVALID" })));
    const { users, profiles, markers } = await written();
    expect([users.length, profiles.length, markers.length]).toEqual([2, 2, 2]);
    const redemptions = await backend.t.run((ctx) => ctx.db.query("inviteRedemptions").collect());
    expect(redemptions).toHaveLength(1);
    // A loser's code was not spent: with another invite it signs up.
    const loser = emails[answers.findIndex((a) => a.status !== 200)];
    const { code: second } = await (await auth.signIn("owner@acme.test")).as.mutation(api.invites.create, {});
    const retried = await auth.post(SIGN_IN, { email: loser, otp: auth.lastOtp(loser), username: nameOf(loser), invite: second });
    expect(retried.status).toBe(200);
  });

  it("never admits a sign-up with an invite revoked before it committed", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "invite", OTP_SIGN_UP_ALLOW: "@acme.test" });
    const { inviter, code: invite } = await inviteFrom(backend);
    const { auth, written } = backend;
    await askToSignUp(auth, "bob@example.com", { username: "bob", invite });
    const [{ inviteId }] = await inviter.as.query(api.invites.mine, {});

    const [signUp] = await Promise.all([
      auth.post(SIGN_IN, { email: "bob@example.com", otp: auth.lastOtp("bob@example.com"), username: "bob", invite }).then(outcome),
      inviter.as.mutation(api.invites.revoke, { inviteId }),
    ]);
    const bobs = (await written()).users.filter((user: any) => user.email === "bob@example.com");
    const [after] = await inviter.as.query(api.invites.mine, {});
    expect(after.state).toBe("revoked");
    if (signUp.status === 200) expect([bobs.length, after.used]).toEqual([1, 1]);
    else expect([signUp, bobs.length, after.used]).toEqual([{ status: 400, code: "INVITE_INVALID" }, 0, 0]);
  });

  it("refuses a sign-up whose invite was revoked after its code was sent", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "invite", OTP_SIGN_UP_ALLOW: "@acme.test" });
    const { inviter, code: invite } = await inviteFrom(backend);
    await askToSignUp(backend.auth, "bob@example.com", { username: "bob", invite });
    const [{ inviteId }] = await inviter.as.query(api.invites.mine, {});
    await inviter.as.mutation(api.invites.revoke, { inviteId });
    const otp = backend.auth.lastOtp("bob@example.com");
    expect(await outcome(await backend.auth.post(SIGN_IN, { email: "bob@example.com", otp, username: "bob", invite }))).toEqual({
      status: 400,
      code: "INVITE_INVALID",
    });
  });
});

describe("allowlist mode", { timeout: 60_000 }, () => {
  it("admits listed addresses and domains in any spelling of the mailbox, and no one else", async () => {
    const { auth, written, t } = withPolicy({ OTP_SIGN_UP: "allowlist", OTP_SIGN_UP_ALLOW: "Owner@acme.test, @team.test" });
    await auth.signUp({ email: "Owner+x@Acme.test", username: "owner" });
    await auth.signUp({ email: "ann@team.test", username: "ann" });
    await t.run((ctx) => ctx.db.insert("signUpAllowlist", { entry: "zed@example.com" }));
    await auth.signUp({ email: "zed@example.com", username: "zed" });
    expect(await outcome(await askToSignUp(auth, "eve@acme.test", { username: "eve" }))).toEqual({ status: 200, code: undefined });
    expect(auth.notices.map((notice) => [notice.kind, notice.to])).toEqual([["sign-up-closed", "eve@acme.test"]]);
    expect((await written()).users).toHaveLength(3);
  });
});

describe("waitlist mode", { timeout: 60_000 }, () => {
  it("records an unlisted sign-up with its fields, mails that it is on the list, once per mailbox", async () => {
    const { auth, t } = withPolicy({ OTP_SIGN_UP: "waitlist" });
    expect(await outcome(await askToSignUp(auth, "wait@example.com", { username: "waiter", name: "Wai" }))).toEqual({ status: 200, code: undefined });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 31_000);
    expect((await askToSignUp(auth, "Wait+again@example.com", { username: "waiter2" })).status).toBe(200);
    const entries = await t.query(internal.invites.waitlist, {});
    expect(entries).toEqual([
      expect.objectContaining({ email: "wait+again@example.com", fields: { username: "waiter2" } }),
    ]);
    expect(auth.notices.map((notice) => notice.kind)).toEqual(["waitlisted", "waitlisted"]);
    expect(auth.outbox).toEqual([]);
  });

  it("turns an approved entry into an invite bound to its address and mails it; approving twice at once mails once", async () => {
    const { auth, t } = withPolicy({ OTP_SIGN_UP: "waitlist" });
    await askToSignUp(auth, "wait@example.com", { username: "waiter" });
    const [{ entryId }] = await t.query(internal.invites.waitlist, {});
    const approvals = await Promise.all(Array.from({ length: 5 }, () => t.mutation(internal.invites.approve, { entryId })));
    expect(new Set(approvals.map((approval) => approval?.inviteId)).size).toBe(1);
    await t.finishAllScheduledFunctions(() => {});
    const invited = auth.notices.filter((notice) => notice.kind === "invited");
    expect(invited).toEqual([expect.objectContaining({ to: "wait@example.com", inviteCode: expect.stringMatching(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/) })]);
    expect(await t.query(internal.invites.waitlist, {})).toEqual([]);
    // Only that address can use it.
    const invite = invited[0]!.inviteCode!;
    expect((await outcome(await askToSignUp(auth, "other@example.com", { username: "other", invite }))).code).toBe("INVITE_INVALID");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 31_000);
    await auth.signUp({ email: "wait@example.com", username: "waiter", invite });
  });
});

describe("review accounts", { timeout: 60_000 }, () => {
  const REVIEW = { OTP_SIGN_UP: "invite", OTP_REVIEW_ACCOUNTS: "review@example.com:246810" };

  it("sign up and in with the fixed code, and no mail leaves", async () => {
    const { auth } = withPolicy(REVIEW);
    expect((await askToSignUp(auth, "review@example.com", { username: "reviewer" })).status).toBe(200);
    const signedUp = await auth.post(SIGN_IN, { email: "review@example.com", otp: "246810", username: "reviewer" });
    expect(signedUp.status).toBe(200);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 31_000);
    expect((await auth.sendOtp("review@example.com")).status).toBe(200);
    expect((await auth.post(SIGN_IN, { email: "review@example.com", otp: "246810" })).status).toBe(200);
    expect([auth.outbox, auth.notices]).toEqual([[], []]);
  });

  it("count wrong codes against every limit, as anyone's", async () => {
    const { auth } = withPolicy(REVIEW);
    await auth.sendOtp("review@example.com");
    const wrong = await Promise.all(["000000", "111111", "222222"].map((otp) => auth.post(SIGN_IN, { email: "review@example.com", otp }).then(outcome)));
    expect(wrong.every((answer) => answer.code === "INVALID_OTP")).toBe(true);
    expect((await outcome(await auth.post(SIGN_IN, { email: "review@example.com", otp: "246810" }))).code).toBe("TOO_MANY_ATTEMPTS");
  });

  it("keep the fixed code to its own address: an alias or another address gets an ordinary code", async () => {
    const { auth } = withPolicy({ ...REVIEW, OTP_SIGN_UP: "open" });
    for (const email of ["review+1@example.com", "other@example.com"]) {
      await auth.sendOtp(email);
      expect(auth.lastOtp(email)).toMatch(/^\d{6}$/);
      const answer = await outcome(await auth.post(SIGN_IN, { email, otp: "246810", username: "someone" }));
      expect(answer.code).toBe(auth.lastOtp(email) === "246810" ? undefined : "INVALID_OTP");
    }
  });

  it("are off unless configured", async () => {
    const { auth } = withPolicy({ OTP_SIGN_UP: "open" });
    await auth.sendOtp("review@example.com");
    expect(auth.lastOtp("review@example.com")).toMatch(/^\d{6}$/);
  });
});

describe("open mode", { timeout: 60_000 }, () => {
  it("signs anyone up as before, and still redeems an invite so that onboarding knows the inviter", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "open" });
    await backend.auth.signUp({ email: "ann@example.com", username: "ann" });
    const { code } = await inviteFrom(backend);
    const bob = await backend.auth.signUp({ email: "bob@example.com", username: "bob", invite: code });
    expect(await bob.as.query(api.profiles.me, {})).toMatchObject({ invitedBy: "owner" });
    expect(backend.auth.notices).toEqual([]);
  });
});

describe("invites, as the app makes them", { timeout: 60_000 }, () => {
  it("keeps only a keyed hash of each code, made from the secret even where a mutation's randomness is predictable", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "invite", OTP_SIGN_UP_ALLOW: "@acme.test" });
    // Inside a mutation, randomness as predictable as it gets: all zeros.
    const getRandomValues = crypto.getRandomValues.bind(crypto);
    vi.spyOn(crypto, "getRandomValues").mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      if (insideTransaction() && array) new Uint8Array(array.buffer).fill(0);
      else getRandomValues(array as ArrayBufferView<ArrayBuffer>);
      return array;
    });
    const { inviter, code } = await inviteFrom(backend);
    const { code: other } = await inviter.as.mutation(api.invites.create, {});
    expect(code).not.toBe(other);
    const rows = await backend.t.run((ctx) => ctx.db.query("invites").collect());
    const stored = JSON.stringify(rows);
    for (const plain of [code, other, code.replace(/-/g, "")]) expect(stored).not.toContain(plain);
  });

  it("are made by signed-in users only, at most 10 an hour each, and revoked by their maker only", async () => {
    const backend = withPolicy({ OTP_SIGN_UP: "open" });
    await expect(backend.t.mutation(api.invites.create, {})).rejects.toThrow(/FORBIDDEN|not allowed/);
    const { inviter } = await inviteFrom(backend);
    for (let i = 1; i < 10; i++) await inviter.as.mutation(api.invites.create, {});
    await expect(inviter.as.mutation(api.invites.create, {})).rejects.toThrow();
    const stranger = await backend.auth.signUp({ email: "eve@example.com", username: "eve" });
    const [{ inviteId }] = await inviter.as.query(api.invites.mine, {});
    expect(await stranger.as.mutation(api.invites.revoke, { inviteId })).toBe(false);
    expect(await stranger.as.query(api.invites.mine, {})).toEqual([]);
    expect(await inviter.as.mutation(api.invites.revoke, { inviteId })).toBe(true);
  });

  it("reads the environment strictly: an unknown mode or a review account without its code stops the deploy", () => {
    expect(() => signUpPolicy({ OTP_SIGN_UP: "closed" })).toThrow(/OTP_SIGN_UP: unknown mode "closed"/);
    expect(() => signUpPolicy({ OTP_REVIEW_ACCOUNTS: "review@example.com" })).toThrow(/OTP_REVIEW_ACCOUNTS/);
    expect(signUpPolicy({ OTP_SIGN_UP: " waitlist ", OTP_SIGN_UP_ALLOW: " a@acme.test, ,@b.test ", OTP_REVIEW_ACCOUNTS: "r@x.test:123456" })).toMatchObject({
      mode: "waitlist",
      allow: ["a@acme.test", "@b.test"],
      reviewAccounts: [{ email: "r@x.test", code: "123456" }],
    });
  });

  it("says the mode to the sign-up form", async () => {
    const { t } = withPolicy({ OTP_SIGN_UP: "waitlist" });
    expect(await t.query(api.invites.signUpMode, {})).toEqual({ mode: "waitlist", asksForInvite: true });
  });
});
