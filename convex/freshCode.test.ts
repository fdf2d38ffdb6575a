/**
 * Actions that need a fresh code: deleting the account and changing its email. A session younger
 * than the window (5 minutes) may do them; an older one (stolen, or left open) needs a code mailed
 * to the account's current address. Changing the email also proves the new address.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import { json, setup } from "./test.setup";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

/** The reference backend with email changes by code turned on, loaded afresh. */
function withEmailChange() {
  vi.stubEnv("OTP_OPTIONAL_ROUTES", "change-email");
  vi.resetModules();
  return setup();
}

type Setup = ReturnType<typeof setup>;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const answerOf = async (response: Response) => [response.status, (await json(response))?.code];

/** Signs Ann up and makes her session `minutes` old, as if it had been open since. */
async function annSignedInFor(minutes: number, { auth, inAuthComponent }: Setup) {
  const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
  await inAuthComponent(async (ctx) => {
    const session = await ctx.db.query("session").withIndex("token", (q: any) => q.eq("token", ann.token)).unique();
    await ctx.db.patch("session", session._id, { createdAt: Date.now() - minutes * 60_000 });
  });
  return { ...ann, headers: bearer(ann.token) };
}

/** The latest code mailed to `email` for `type`. */
const codeFor = ({ auth }: Setup, email: string, type: string) => auth.outbox.findLast((mail) => mail.to === email && mail.type === type)?.otp;

const wrong = (otp: string) => (otp === "000000" ? "111111" : "000000");

describe("deleting the account", () => {
  it("is allowed without a code to a session younger than the window", async () => {
    const env = withEmailChange();
    const ann = await annSignedInFor(4, env);
    expect(await answerOf(await env.auth.post("/delete-user", {}, ann.headers))).toEqual([200, undefined]);
    expect((await env.written()).users).toEqual([]);
  });

  it("is refused to an older session without a code: 403 FRESH_CODE_REQUIRED, nothing deleted, nothing mailed", async () => {
    const env = withEmailChange();
    const ann = await annSignedInFor(6, env);
    const before = await env.written();
    expect(await answerOf(await env.auth.post("/delete-user", {}, ann.headers))).toEqual([403, "FRESH_CODE_REQUIRED"]);
    expect(await env.written()).toEqual(before);
  });

  it("is allowed to an older session with the code mailed to the current address, and cleans up as before", async () => {
    const env = withEmailChange();
    const ann = await annSignedInFor(60 * 24 * 3, env);
    const sent = await env.auth.post("/email-otp/request-fresh-code", { action: "delete-account" }, ann.headers);
    expect(await answerOf(sent)).toEqual([200, undefined]);
    const otp = codeFor(env, "ann@example.com", "delete-account")!;
    expect(otp).toMatch(/^\d{6}$/);

    expect(await answerOf(await env.auth.post("/delete-user", { otp }, ann.headers))).toEqual([200, undefined]);
    const left = await env.written();
    expect(left.users).toEqual([]);
    expect(left.profiles).toEqual([]);
    expect(left.markers).toEqual([]);
    expect(left.codes).toEqual([]);
  });

  it("counts wrong codes: three wrong tries kill the code, and none deletes", async () => {
    const env = withEmailChange();
    const ann = await annSignedInFor(10, env);
    await env.auth.post("/email-otp/request-fresh-code", { action: "delete-account" }, ann.headers);
    const otp = codeFor(env, "ann@example.com", "delete-account")!;
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const response = await env.auth.post("/delete-user", { otp: wrong(otp) }, ann.headers);
      answers.push([response.status, (await json(response)).triesLeft]);
    }
    expect(answers).toEqual([
      [400, 2],
      [400, 1],
      [400, 0],
    ]);
    expect((await env.auth.post("/delete-user", { otp }, ann.headers)).status).not.toBe(200);
    expect((await env.written()).users).toHaveLength(1);
  });

  it("20 parallel guesses with an old session delete nothing after 3 tries", async () => {
    const env = withEmailChange();
    const ann = await annSignedInFor(10, env);
    await env.auth.post("/email-otp/request-fresh-code", { action: "delete-account" }, ann.headers);
    const otp = codeFor(env, "ann@example.com", "delete-account")!;
    const guesses = Array.from({ length: 20 }, (_, i) => String(i).padStart(6, "0")).filter((guess) => guess !== otp);
    const answers = await Promise.all(guesses.map(async (guess) => (await env.auth.post("/delete-user", { otp: guess }, ann.headers)).status));
    expect(answers.filter((status) => status === 200)).toEqual([]);
    expect((await env.written()).users).toHaveLength(1);
  });

  it("takes no code made for another action or another account", async () => {
    const env = withEmailChange();
    const ann = await annSignedInFor(10, env);
    const bob = await env.auth.signUp({ email: "bob@example.com", username: "bob" });
    await env.auth.post("/email-otp/request-fresh-code", { action: "change-email" }, ann.headers);
    await env.auth.post("/email-otp/request-fresh-code", { action: "delete-account" }, bearer(bob.token));
    for (const otp of [codeFor(env, "ann@example.com", "confirm-email-change")!, codeFor(env, "bob@example.com", "delete-account")!]) {
      expect(await answerOf(await env.auth.post("/delete-user", { otp }, ann.headers))).toEqual([400, "INVALID_OTP"]);
    }
    expect((await env.written()).users).toHaveLength(2);
  });

  it("rolls back when the cleanup fails: the account, the code and its tries stay as they were", async () => {
    const env = withEmailChange();
    const ann = await annSignedInFor(10, env);
    await env.auth.post("/email-otp/request-fresh-code", { action: "delete-account" }, ann.headers);
    const otp = codeFor(env, "ann@example.com", "delete-account")!;
    // A second profile for Ann makes the reference cleanup (`.unique()`) throw inside the deletion.
    const stray = await env.t.run((ctx) =>
      ctx.db.insert("profiles", { userId: ann.userId, username: "ann2", displayName: "ann", role: "member", bio: "" }),
    );
    const failed = await env.auth.post("/delete-user", { otp }, ann.headers);
    expect(failed.status).toBe(500);
    expect((await env.written()).users).toHaveLength(1);
    // Nothing of the failed request stayed: the same code deletes once the cleanup can run.
    await env.t.run((ctx) => ctx.db.delete("profiles", stray));
    expect(await answerOf(await env.auth.post("/delete-user", { otp }, ann.headers))).toEqual([200, undefined]);
  });

  it("needs a session to ask for a code, and keeps the send limits", async () => {
    const env = withEmailChange();
    const ann = await annSignedInFor(10, env);
    expect(await answerOf(await env.auth.post("/email-otp/request-fresh-code", { action: "delete-account" }))).toEqual([401, "UNAUTHORIZED"]);
    expect((await env.auth.post("/email-otp/request-fresh-code", { action: "delete-account" }, ann.headers)).status).toBe(200);
    expect(await answerOf(await env.auth.post("/email-otp/request-fresh-code", { action: "delete-account" }, ann.headers))).toEqual([429, "RATE_LIMITED"]);
    expect((await env.auth.post("/email-otp/request-fresh-code", { action: "nothing" }, ann.headers)).status).toBe(400);
  });
});

describe("changing the email", () => {
  it("asks an older session for the current address's code before anything reaches the new address", async () => {
    const env = withEmailChange();
    const ann = await annSignedInFor(6, env);
    const refused = await env.auth.post("/email-otp/request-email-change", { newEmail: "ann.new@example.com" }, ann.headers);
    expect(await answerOf(refused)).toEqual([403, "FRESH_CODE_REQUIRED"]);
    expect(env.auth.outbox.filter((mail) => mail.to === "ann.new@example.com")).toEqual([]);
  });

  it("moves an older session's account with the current address's code, then the new address's", async () => {
    const env = withEmailChange();
    const ann = await annSignedInFor(60, env);
    await env.auth.post("/email-otp/request-fresh-code", { action: "change-email" }, ann.headers);
    const current = codeFor(env, "ann@example.com", "confirm-email-change")!;
    const request = await env.auth.post("/email-otp/request-email-change", { newEmail: "ann.new@example.com", otp: current }, ann.headers);
    expect(await answerOf(request)).toEqual([200, undefined]);
    const otp = codeFor(env, "ann.new@example.com", "change-email")!;
    const change = await env.auth.post("/email-otp/change-email", { newEmail: "ann.new@example.com", otp }, ann.headers);
    expect(await answerOf(change)).toEqual([200, undefined]);

    const session = await json(await env.auth.get("/get-session", ann.headers));
    expect(session.user.email).toBe("ann.new@example.com");
    // The profile follows the user (onUpdate) and onboarding does not run again.
    expect(await ann.as.query(api.profiles.me, {})).toMatchObject({ username: "ann" });
    expect((await env.written()).profiles).toHaveLength(1);
  });

  it("lets a session younger than the window go straight to the new address's code", async () => {
    const env = withEmailChange();
    const ann = await annSignedInFor(1, env);
    const request = await env.auth.post("/email-otp/request-email-change", { newEmail: "ann.new@example.com" }, ann.headers);
    expect(await answerOf(request)).toEqual([200, undefined]);
    expect(codeFor(env, "ann.new@example.com", "change-email")).toMatch(/^\d{6}$/);
  });

  it("answers alike for a taken and a free new address, with or without the current code", async () => {
    const env = withEmailChange();
    await env.auth.signUp({ email: "taken@example.com", username: "taken" });
    const ann = await annSignedInFor(60, env);
    const story = async (newEmail: string) => {
      await env.auth.post("/email-otp/request-fresh-code", { action: "change-email" }, ann.headers);
      const current = codeFor(env, "ann@example.com", "confirm-email-change")!;
      const answers = [await answerOf(await env.auth.post("/email-otp/request-email-change", { newEmail }, ann.headers))];
      answers.push(await answerOf(await env.auth.post("/email-otp/request-email-change", { newEmail, otp: current }, ann.headers)));
      answers.push(await answerOf(await env.auth.post("/email-otp/change-email", { newEmail, otp: "000000" }, ann.headers)));
      return answers;
    };
    const taken = await story("taken@example.com");
    expect(taken).toEqual([
      [403, "FRESH_CODE_REQUIRED"],
      [200, undefined],
      [400, "INVALID_OTP"],
    ]);
    // The wait before another code for the current address ends when the last one is used.
    expect(await story("free@example.com")).toEqual(taken);
  });

  it("lets one of two racing changes win, never both", async () => {
    const env = withEmailChange();
    const ann = await annSignedInFor(1, env);
    const targets = ["one@example.com", "two@example.com"];
    for (const newEmail of targets) await env.auth.post("/email-otp/request-email-change", { newEmail }, ann.headers);
    const answers = await Promise.all(
      targets.map(async (newEmail) => {
        const otp = codeFor(env, newEmail, "change-email")!;
        return (await env.auth.post("/email-otp/change-email", { newEmail, otp }, ann.headers)).status;
      }),
    );
    expect(answers.filter((status) => status === 200)).toHaveLength(1);
    const { users } = await env.written();
    expect(users).toHaveLength(1);
    expect(targets).toContain(users[0].email);
  });

  it("spends one current-address code once, even in parallel", async () => {
    const env = withEmailChange();
    const ann = await annSignedInFor(60, env);
    await env.auth.post("/email-otp/request-fresh-code", { action: "change-email" }, ann.headers);
    const otp = codeFor(env, "ann@example.com", "confirm-email-change")!;
    const answers = await Promise.all(
      ["one@example.com", "two@example.com", "three@example.com"].map(async (newEmail) =>
        (await env.auth.post("/email-otp/request-email-change", { newEmail, otp }, ann.headers)).status,
      ),
    );
    expect(answers.filter((status) => status === 200)).toHaveLength(1);
  });
});
