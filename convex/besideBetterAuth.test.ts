/**
 * An app already on Better Auth, signing in with a password through `authComponent.registerRoutes`,
 * adds the plugin beside it (`besideRegisterRoutes`): both sign-ins work in one app, the routes of
 * the email-code flow (and `/delete-user`, which a fresh code guards) get the plugin's answers, its
 * limits and its one transaction, and every other route keeps Better Auth's own behaviour.
 */
import { getCookie, getSetCookie } from "@convex-dev/better-auth/client/plugins";
import { httpRouter } from "convex/server";
import { registerOtpRoutes } from "convex-otp-onboarding/convex";
import { afterEach, describe, expect, it, vi } from "vitest";
import { internal } from "./_generated/api";
import { json, setup } from "./test.setup";

const passwordApp = () => import("./passwordApp.fixture");
const SECOND = "http://localhost:5174";

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The reference backend with the password app's auth.ts and http.ts. */
function besideSetup() {
  return setup({
    replace: {
      "./auth.ts": async () => ({ ...(await import("./auth")), ...(await passwordApp()) }),
      "./http.ts": async () => ({ default: (await passwordApp()).passwordAppRoutes() }),
    },
  });
}

type Env = ReturnType<typeof besideSetup>;
const answerOf = async (response: Response) => [response.status, (await json(response))?.code];
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Ann signs up with a password (and her username), as the app's own form does. */
async function annByPassword({ auth }: Env) {
  const response = await auth.post("/sign-up/email", {
    email: "ann@example.com",
    password: "a long password",
    name: "Ann",
    username: "ann",
  });
  expect(response.status).toBe(200);
  return (await json(response)) as { token: string; user: { id: string } };
}

/** Makes the session of `token` `minutes` old. */
async function age({ inAuthComponent }: Env, token: string, minutes: number) {
  await inAuthComponent(async (ctx) => {
    const session = await ctx.db.query("session").withIndex("token", (q: any) => q.eq("token", token)).unique();
    await ctx.db.patch("session", session._id, { createdAt: Date.now() - minutes * 60_000 });
  });
}

describe("the plugin beside authComponent.registerRoutes", () => {
  it("signs up and in with a password, and signs a new user up by email code, in one app", async () => {
    const env = besideSetup();
    const ann = await annByPassword(env);
    const signIn = await env.auth.post("/sign-in/email", { email: "ann@example.com", password: "a long password" });
    expect(signIn.status).toBe(200);
    expect((await json(signIn)).user.id).toBe(ann.user.id);

    const bob = await env.auth.signUp({ email: "bob@example.com", username: "bob", name: "Bob" });
    // The same account by either method: Ann signs in by code too.
    expect((await env.auth.signIn("ann@example.com")).userId).toBe(ann.user.id);
    const { users, profiles, markers } = await env.written();
    expect(users.map((user: { username: string }) => user.username).sort()).toEqual(["ann", "bob"]);
    // Onboarding ran once for each new user, whichever way they signed up.
    expect(profiles.map((profile) => profile.userId).sort()).toEqual([ann.user.id, bob.userId].sort());
    expect(markers).toHaveLength(2);
  });

  it("answers the routes of the email-code flow itself: its refusals, its origin check, its 404s", async () => {
    const { auth, t } = besideSetup();
    const send = "/email-otp/send-verification-otp";
    expect(await answerOf(await auth.post(send, { email: "ann@example.com", type: "sign-in", role: "admin" }))).toEqual([
      400,
      "UNKNOWN_FIELD",
    ]);
    expect(await answerOf(await auth.post(send, { email: "ann@example.com", type: "sign-in" }, { origin: "https://evil.example" }))).toEqual([
      403,
      "INVALID_ORIGIN",
    ]);
    // A route of emailOTP the app has not turned on, and a method the flow does not use.
    expect(await answerOf(await auth.post("/email-otp/verify-email", { email: "ann@example.com", otp: "123456" }))).toEqual([404, "NOT_FOUND"]);
    expect(await answerOf(await auth.get("/sign-in/email-otp"))).toEqual([404, "NOT_FOUND"]);
    // A preflight of a route of the flow: the plugin's answer, for its one method.
    const preflight = await t.fetch(`/api/auth${send}`, {
      method: "OPTIONS",
      headers: { origin: process.env["SITE_URL"]!, "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toBe("POST");
  });

  it("keeps its limits and its one transaction: a second code for the same address waits, and no code is sent for a refused one", async () => {
    const { auth, written } = besideSetup();
    expect((await auth.sendOtp("cat@example.com")).status).toBe(200);
    expect(await answerOf(await auth.sendOtp("cat@example.com"))).toEqual([429, "RATE_LIMITED"]);
    expect(auth.outbox.filter((mail) => mail.to === "cat@example.com")).toHaveLength(1);
    expect((await written()).codes).toHaveLength(1);
  });

  it("owns /delete-user: a password user's older session needs a fresh code mailed to the account", async () => {
    const env = besideSetup();
    const ann = await annByPassword(env);
    await age(env, ann.token, 60);
    expect(await answerOf(await env.auth.post("/delete-user", {}, bearer(ann.token)))).toEqual([403, "FRESH_CODE_REQUIRED"]);
    // Better Auth's way around a stale session, a password in the body, is not one of the plugin's.
    expect(await answerOf(await env.auth.post("/delete-user", { password: "a long password" }, bearer(ann.token)))).toEqual([
      400,
      "UNKNOWN_FIELD",
    ]);
    expect((await env.auth.post("/email-otp/request-fresh-code", { action: "delete-account" }, bearer(ann.token))).status).toBe(200);
    const otp = env.auth.outbox.findLast((mail) => mail.type === "delete-account")!.otp;
    expect((await env.auth.post("/delete-user", { otp }, bearer(ann.token))).status).toBe(200);
    expect((await env.written()).users).toEqual([]);
  });

  it("leaves the session routes to Better Auth: /update-user saves an image, /get-session and /sign-out answer as ever", async () => {
    const env = besideSetup();
    const ann = await annByPassword(env);
    const update = await env.auth.post("/update-user", { image: "https://example.com/ann.png" }, bearer(ann.token));
    expect(update.status).toBe(200);
    // The sign-up fields keep their rules whoever serves the route.
    expect(await answerOf(await env.auth.post("/update-user", { username: "No Caps!" }, bearer(ann.token)))).toEqual([
      400,
      "INVALID_SIGNUP_PARAMS",
    ]);
    const session = await json(await env.auth.get("/get-session", bearer(ann.token)));
    expect(session.user).toMatchObject({ id: ann.user.id, image: "https://example.com/ann.png", username: "ann" });
    expect((await env.auth.post("/sign-out", {}, bearer(ann.token))).status).toBe(200);
    expect(await json(await env.auth.get("/get-session", bearer(ann.token)))).toBeNull();
  });

  it("keeps Better Auth's session freshness on the app's own routes", async () => {
    const env = besideSetup();
    const ann = await annByPassword(env);
    await age(env, ann.token, 60 * 24 * 2);
    // Better Auth's default freshAge is a day: listing sessions needs a fresher one.
    expect(await answerOf(await env.auth.get("/list-sessions", bearer(ann.token)))).toEqual([403, "SESSION_NOT_FRESH"]);
  });

  it("registers before or after registerRoutes, and names the option when it is missing", async () => {
    const { createAuth } = await passwordApp();
    const { authComponent } = await import("./auth");
    const options = { createAuth, authRequest: internal.auth.authRequest };
    const before = httpRouter();
    registerOtpRoutes(before, { ...options, besideRegisterRoutes: true });
    authComponent.registerRoutes(before, createAuth, { cors: true });
    // Exact paths win over registerRoutes' prefix, its CORS preflights (`cors: true`) included.
    for (const method of ["POST", "OPTIONS"] as const) {
      expect(before.lookup("/api/auth/sign-in/email-otp", method)![0]).not.toBe(before.lookup("/api/auth/sign-in/email", method)![0]);
    }
    expect(before.lookup("/api/auth/sign-in/email-otp", "POST")![0]).toBe(before.lookup("/api/auth/delete-user", "POST")![0]);
    expect(before.lookup("/api/auth/get-session", "GET")![0]).toBe(before.lookup("/api/auth/sign-in/email", "GET")![0]);

    const alone = httpRouter();
    authComponent.registerRoutes(alone, createAuth);
    expect(() => registerOtpRoutes(alone, options)).toThrow(/besideRegisterRoutes/);
  });

  it("refuses the plugin's own crossDomain option beside registerRoutes, whose routes would not read its header session", async () => {
    const reference = await import("./auth");
    const http = httpRouter();
    reference.authComponent.registerRoutes(http, reference.createAuth);
    const beside = { createAuth: reference.createAuth, authRequest: internal.auth.authRequest, besideRegisterRoutes: true };
    expect(() => registerOtpRoutes(http, beside)).toThrow(/crossDomain plugin/);
  });

  it("keeps one session for a page on another origin across both handlers (@convex-dev/better-auth's crossDomain)", async () => {
    vi.stubEnv("TRUSTED_ORIGINS", SECOND);
    const { t, auth } = besideSetup();
    const headers = { "content-type": "application/json", origin: SECOND, "better-auth-cookie": "" };
    const post = (path: string, body: unknown) => t.fetch(`/api/auth${path}`, { method: "POST", headers, body: JSON.stringify(body) });
    await post("/email-otp/send-verification-otp", { email: "ann@example.com", type: "sign-in" });
    const signIn = await post("/sign-in/email-otp", { email: "ann@example.com", otp: auth.lastOtp("ann@example.com"), username: "ann" });
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get("access-control-allow-origin")).toBe(SECOND);
    const cookie = getCookie(getSetCookie(signIn.headers.get("set-better-auth-cookie")!));
    // Read back by Better Auth's own handler, as the session of every sign-in method is.
    const session = await t.fetch("/api/auth/get-session", { headers: { origin: SECOND, "better-auth-cookie": cookie } });
    expect(await json(session)).toMatchObject({ user: { email: "ann@example.com", username: "ann" } });
  });
});

describe("paths that only look like the plugin's, beside registerRoutes", () => {
  it("are not served by Better Auth's handler either: trailing slash, doubled slash, other case answer 404", async () => {
    const env = besideSetup();
    const ann = await annByPassword(env);
    await age(env, ann.token, 60);
    for (const path of ["/sign-in/email-otp/", "//sign-in/email-otp", "/SIGN-IN/email-otp", "/email-otp/send-verification-otp/"]) {
      const response = await env.auth.post(path, { email: "ann@example.com", type: "sign-in", otp: "123456" });
      expect([path, response.status]).toEqual([path, 404]);
    }
    expect(env.auth.outbox).toEqual([]);
    for (const path of ["/delete-user/", "//delete-user"]) {
      const response = await env.auth.post(path, { otp: "123456" }, bearer(ann.token));
      expect([path, response.status]).toEqual([path, 404]);
    }
    expect((await env.written()).users).toHaveLength(1);
  });
});
