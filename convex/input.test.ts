/**
 * Input an outsider controls, bounded before anything reaches Better Auth: body size and depth,
 * the keys each route declares, and text that a person can read.
 */
import { describe, expect, it } from "vitest";
import { api, internal } from "./_generated/api";
import { json, setup } from "./test.setup";

const SIGN_IN = "/sign-in/email-otp";

/** Posts `raw` exactly as given. */
function postRaw(t: ReturnType<typeof setup>["t"], path: string, raw: string, headers: Record<string, string> = {}) {
  return t.fetch(`/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: process.env["SITE_URL"]!, ...headers },
    body: raw,
  });
}

describe("bounded, known input", { timeout: 60_000 }, () => {
  it("answers a 5 000-deep body with a JSON 400 that carries a code", async () => {
    const { t, written } = setup();
    const deep = `{"email":"ann@example.com","type":"sign-in","x":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const response = await postRaw(t, "/email-otp/send-verification-otp", deep);
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ code: "INVALID_BODY" });
    expect((await written()).codes).toEqual([]);
  });

  it("answers a 10 MB email with 413 before storing or mailing anything", async () => {
    const { t, auth, written } = setup();
    const huge = `${"a".repeat(10_000_000)}@example.com`;
    const response = await postRaw(t, "/email-otp/send-verification-otp", JSON.stringify({ email: huge, type: "sign-in" }));
    expect(response.status).toBe(413);
    expect(await json(response)).toMatchObject({ code: "BODY_TOO_LARGE" });
    expect((await written()).codes).toEqual([]);
    expect(auth.outbox).toEqual([]);
  });

  it("answers a 10 MB body sent without its length (chunked) with 413, reading no more of it than the cap", async () => {
    const { t, written } = setup();
    let pulled = 0;
    const chunk = new TextEncoder().encode("a".repeat(4096));
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode('{"email":"')),
      pull(controller) {
        pulled += chunk.byteLength;
        if (pulled > 10_000_000) return controller.close();
        controller.enqueue(chunk);
      },
    });
    const response = await t.fetch("/api/auth/email-otp/send-verification-otp", {
      method: "POST",
      headers: { "content-type": "application/json", origin: process.env["SITE_URL"]! },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await json(response)).toMatchObject({ code: "BODY_TOO_LARGE" });
    expect(pulled).toBeLessThan(100_000);
    expect((await written()).codes).toEqual([]);
  });

  it("refuses an email longer than 254 characters as a field issue", async () => {
    const { auth } = setup();
    const long = `${"a".repeat(250)}@example.com`;
    const response = await auth.sendOtp(long);
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({
      code: "INVALID_SIGNUP_PARAMS",
      issues: [{ path: "email", message: "Use at most 254 characters" }],
    });
  });

  it("refuses an address whose local part is over 64 characters (RFC 5321) as any bad address: at send, at sign-in and in users.create", async () => {
    const { t, auth, written } = setup();
    const long = `${"a".repeat(65)}@example.com`;
    const badAddress = await json(await auth.sendOtp("not-an-email"));
    expect(badAddress).toMatchObject({
      code: "INVALID_SIGNUP_PARAMS",
      issues: [{ path: "email", message: "Enter a valid email address" }],
    });

    const sent = await auth.sendOtp(long);
    expect([sent.status, await json(sent)]).toEqual([400, badAddress]);
    const signIn = await auth.post(SIGN_IN, { email: long, otp: "123456", username: "ann" });
    expect([signIn.status, await json(signIn)]).toEqual([400, badAddress]);
    await expect(t.mutation(internal.users.create, { email: long, username: "ann" })).rejects.toMatchObject({
      data: { code: "INVALID_SIGNUP_PARAMS", issues: badAddress.issues },
    });
    expect(await written()).toMatchObject({ users: [], codes: [], profiles: [] });
    expect(auth.outbox).toEqual([]);

    // 64 characters is an address.
    expect((await auth.sendOtp(`${"a".repeat(64)}@example.com`)).status).toBe(200);
  });

  it("update-user holds every sign-up field to the sign-up schema: an empty or blank name, a short username", async () => {
    const { auth, inAuthComponent } = setup();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann", name: "Ann" });
    const bearer = { authorization: `Bearer ${ann.token}` };
    const refusals = [
      [{ name: "" }, "name", "Enter a display name"],
      [{ name: "   " }, "name", "Enter a display name"],
      [{ username: "" }, "username", "Choose a username"],
      [{ username: "ab" }, "username", "Use at least 3 characters"],
    ] as const;
    for (const [body, path, message] of refusals) {
      const response = await auth.post("/update-user", body, bearer);
      expect([response.status, await json(response)], JSON.stringify(body)).toEqual([
        400,
        expect.objectContaining({ code: "INVALID_SIGNUP_PARAMS", issues: [{ path, message }] }),
      ]);
    }
    const [user] = await inAuthComponent<{ name: string; username: string }[]>((ctx) => ctx.db.query("user").collect());
    expect(user).toMatchObject({ name: "Ann", username: "ann" });
  });

  it("refuses an undeclared key next to the right code before the code is touched, and the code still works", async () => {
    const { auth, written } = setup();
    await auth.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com");
    const refused = await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann", userId: "x" });
    expect(refused.status).toBe(400);
    expect(await json(refused)).toMatchObject({ code: "UNKNOWN_FIELD", fields: ["userId"] });
    expect((await written()).users).toEqual([]);
    const ok = await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" });
    expect(ok.status).toBe(200);
  });

  it("does not let update-user write an image, however it is sent", async () => {
    const { auth, inAuthComponent } = setup();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const bearer = { authorization: `Bearer ${ann.token}` };
    for (const image of ["javascript:alert(1)", `https://example.com/${"x".repeat(5_000_000)}.png`]) {
      const response = await auth.post("/update-user", { image }, bearer);
      expect(response.status === 400 || response.status === 413).toBe(true);
      expect((await json(response)).code).toMatch(/^(UNKNOWN_FIELD|BODY_TOO_LARGE)$/);
    }
    const [user] = await inAuthComponent<{ image?: string | null }[]>((ctx) => ctx.db.query("user").collect());
    expect(user.image ?? null).toBeNull();
    const session = await json(await auth.get("/get-session", bearer));
    expect(session.user.image ?? null).toBeNull();
  });

  it("refuses names of zero-width characters and direction overrides, at sign-up and on update", async () => {
    const { auth, written } = setup();
    await auth.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com");
    for (const name of ["\u200B\u200B\u200B", "Ann\u202Eeil", "\u2060"]) {
      const response = await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann", name });
      expect(await json(response)).toMatchObject({ code: "INVALID_SIGNUP_PARAMS", issues: [{ path: "name" }] });
    }
    const username = await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann\u200B" });
    expect(await json(username)).toMatchObject({ code: "INVALID_SIGNUP_PARAMS", issues: [{ path: "username" }] });
    expect((await written()).users).toEqual([]);

    const ann = await auth.signUp({ email: "bob@example.com", username: "bob" });
    const update = await auth.post("/update-user", { name: "Bob\u202E" }, { authorization: `Bearer ${ann.token}` });
    expect(await json(update)).toMatchObject({ code: "INVALID_SIGNUP_PARAMS", issues: [{ path: "name" }] });
  });

  it("refuses profile text of control and format characters, and keeps line breaks in a bio", async () => {
    const { auth } = setup();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const profile = (await ann.as.query(api.profiles.me, {}))!;
    await expect(
      ann.as.mutation(api.profiles.update, { profileId: profile._id, displayName: "\u200B\u200C" }),
    ).rejects.toMatchObject({ data: { code: "INVALID_SIGNUP_PARAMS" } });
    await expect(
      ann.as.mutation(api.profiles.update, { profileId: profile._id, bio: "hi\u0007there" }),
    ).rejects.toMatchObject({ data: { code: "INVALID_SIGNUP_PARAMS" } });
    await ann.as.mutation(api.profiles.update, { profileId: profile._id, bio: "Line one\nLine two" });
    expect((await ann.as.query(api.profiles.me, {}))?.bio).toBe("Line one\nLine two");
  });
});
