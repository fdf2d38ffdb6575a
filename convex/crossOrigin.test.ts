/**
 * Browsers on other origins: CORS for the trusted origins only, one origin policy for every route
 * that changes state, redirect targets on trusted origins only, and the cross-domain setup (the
 * plugin's `crossDomain` option + `@convex-dev/better-auth`'s `crossDomainClient()`), over the real routes.
 */
import { getCookie, getSetCookie } from "@convex-dev/better-auth/client/plugins";
import { OPTIONAL_ROUTES } from "convex-otp-onboarding";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, setup } from "./test.setup";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

const SITE = "http://localhost:3000";
const SECOND = "http://localhost:5174";
const EVIL = "https://evil.example";

/** The reference backend with every optional route on and `TRUSTED_ORIGINS` as given, loaded afresh. */
function withOrigins(trusted = SECOND) {
  vi.stubEnv("OTP_OPTIONAL_ROUTES", OPTIONAL_ROUTES.join(","));
  vi.stubEnv("TRUSTED_ORIGINS", trusted);
  vi.resetModules();
  return setup();
}

/** Every route that changes state, with a body it takes. */
const POST_ROUTES: [string, Record<string, unknown>][] = [
  ["/email-otp/send-verification-otp", { email: "ann@example.com", type: "sign-in" }],
  ["/sign-in/email-otp", { email: "ann@example.com", otp: "123456" }],
  ["/email-otp/check-verification-otp", { email: "ann@example.com", type: "sign-in", otp: "123456" }],
  ["/email-otp/verify-email", { email: "ann@example.com", otp: "123456" }],
  ["/email-otp/request-password-reset", { email: "ann@example.com" }],
  ["/forget-password/email-otp", { email: "ann@example.com" }],
  ["/email-otp/reset-password", { email: "ann@example.com", otp: "123456", password: "a-new-password-1" }],
  ["/email-otp/request-email-change", { newEmail: "new@example.com" }],
  ["/email-otp/change-email", { newEmail: "new@example.com", otp: "123456" }],
  ["/email-otp/request-fresh-code", { type: "delete-account" }],
  ["/sign-out", {}],
  ["/update-user", { name: "Eve" }],
  ["/delete-user", {}],
  // Not served at all: an untrusted origin is refused before the route is looked up.
  ["/sign-up/email", { email: "eve@example.com", password: "a-password-123", name: "Eve" }],
];

const GET_ROUTES = ["/get-session", "/convex/token", "/convex/jwks", "/convex/.well-known/openid-configuration"];

const raw = (t: ReturnType<typeof setup>["t"], path: string, init: RequestInit) => t.fetch(`/api/auth${path}`, init);

describe("one origin policy for every route that changes state", () => {
  it("answers 403 INVALID_ORIGIN to an untrusted Origin on every POST route, with a session or without", async () => {
    const { t, auth, written } = withOrigins();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const before = await written();
    const credentials: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${ann.token}` },
      { cookie: `better-auth.session_token=${ann.token}` },
      { "better-auth-cookie": `better-auth.session_token=${ann.token}` },
    ];
    for (const origin of [EVIL, "null", `${SITE}.evil.example`, "http://localhost:3001"]) {
      for (const headers of credentials) {
        for (const [path, body] of POST_ROUTES) {
          const response = await raw(t, path, {
            method: "POST",
            headers: { "content-type": "application/json", origin, ...headers },
            body: JSON.stringify(body),
          });
          expect([origin, path, response.status, (await json(response)).code]).toEqual([origin, path, 403, "INVALID_ORIGIN"]);
          expect(response.headers.get("access-control-allow-origin")).toBeNull();
        }
      }
    }
    // Nothing was sent, signed in, changed or deleted.
    expect(auth.outbox).toHaveLength(1);
    expect(await written()).toEqual(before);
  });

  it("gives no session to a JSON sign-in with the right code from an untrusted origin, and spends nothing", async () => {
    const { t, auth } = withOrigins();
    await auth.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com")!;
    const stolen = await raw(t, "/sign-in/email-otp", {
      method: "POST",
      headers: { "content-type": "application/json", origin: EVIL },
      body: JSON.stringify({ email: "ann@example.com", otp, username: "ann" }),
    });
    expect(stolen.status).toBe(403);
    expect(stolen.headers.getSetCookie()).toEqual([]);
    expect(await json(stolen)).toMatchObject({ code: "INVALID_ORIGIN" });
    // The code was not looked at: its owner still signs up with it.
    const owner = await auth.post("/sign-in/email-otp", { email: "ann@example.com", otp, username: "ann" });
    expect(owner.status).toBe(200);
  });

  it("refuses a Referer from an untrusted site when the Origin is missing", async () => {
    const { t } = withOrigins();
    const response = await raw(t, "/email-otp/send-verification-otp", {
      method: "POST",
      headers: { "content-type": "application/json", referer: `${EVIL}/page` },
      body: JSON.stringify({ email: "ann@example.com", type: "sign-in" }),
    });
    expect([response.status, (await json(response)).code]).toEqual([403, "INVALID_ORIGIN"]);
  });

  it("keeps serving requests without an Origin (servers, the test kit), and the extra trusted origins", async () => {
    const { t, auth } = withOrigins();
    const send = await raw(t, "/email-otp/send-verification-otp", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ann@example.com", type: "sign-in" }),
    });
    expect(send.status).toBe(200);
    const signIn = await raw(t, "/sign-in/email-otp", {
      method: "POST",
      headers: { "content-type": "application/json", origin: SECOND },
      body: JSON.stringify({ email: "ann@example.com", otp: auth.lastOtp("ann@example.com"), username: "ann" }),
    });
    expect(signIn.status).toBe(200);
  });

  it("leaves reads alone: an untrusted page may GET, but gets no CORS headers to read the answer with", async () => {
    const { t } = withOrigins();
    for (const path of GET_ROUTES) {
      const response = await raw(t, path, { method: "GET", headers: { origin: EVIL } });
      // Without a session, the token route says so (401); the others answer as for anyone.
      expect([path, response.status]).toEqual([path, path === "/convex/token" ? 401 : 200]);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(response.headers.get("vary")).toMatch(/origin/i);
    }
  });
});

describe("CORS for the trusted origins only", () => {
  const preflight = (t: ReturnType<typeof setup>["t"], path: string, origin: string, method = "POST") =>
    raw(t, path, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": method,
        "access-control-request-headers": "content-type,better-auth-cookie",
      },
    });

  it("answers a preflight from SITE_URL and TRUSTED_ORIGINS on every served route", async () => {
    const { t } = withOrigins(`${SECOND}, http://127.0.0.1:5175`);
    const served = [...POST_ROUTES.slice(0, -1).map(([path]) => [path, "POST"]), ...GET_ROUTES.map((path) => [path, "GET"])];
    for (const origin of [SITE, SECOND, "http://127.0.0.1:5175"]) {
      for (const [path, method] of served) {
        const response = await preflight(t, path!, origin, method);
        expect([origin, path, response.status]).toEqual([origin, path, 204]);
        expect(response.headers.get("access-control-allow-origin")).toBe(origin);
        expect(response.headers.get("access-control-allow-credentials")).toBe("true");
        expect(response.headers.get("access-control-allow-methods")).toMatch(new RegExp(method!));
        const allowed = response.headers.get("access-control-allow-headers")!.toLowerCase();
        for (const header of ["content-type", "better-auth-cookie", "authorization"]) expect(allowed).toContain(header);
        expect(response.headers.get("access-control-max-age")).toMatch(/^\d+$/);
        expect(response.headers.get("vary")).toMatch(/origin/i);
      }
    }
  });

  it("answers nothing a browser would accept to a preflight from any other origin, or for a route not served", async () => {
    const { t } = withOrigins();
    for (const origin of [EVIL, "null", "http://localhost:3001"]) {
      const response = await preflight(t, "/sign-in/email-otp", origin);
      expect([origin, response.status, (await json(response)).code]).toEqual([origin, 403, "INVALID_ORIGIN"]);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    }
    // A trusted page may read why (a browser fails any preflight that is not 2xx).
    for (const path of ["/sign-up/email", "/list-sessions", "/cross-domain/one-time-token/verify"]) {
      const response = await preflight(t, path, SITE);
      expect([path, response.status, (await json(response)).code]).toEqual([path, 404, "NOT_FOUND"]);
      expect(response.headers.get("access-control-allow-methods")).toBeNull();
    }
    // A method the route does not take is not allowed either.
    const wrongMethod = await preflight(t, "/sign-in/email-otp", SITE, "DELETE");
    expect(wrongMethod.status).toBe(404);
  });

  it("lets a trusted page read the answer and the cross-domain cookie header, and no one else", async () => {
    const { auth } = withOrigins();
    const trusted = await auth.sendOtp("ann@example.com");
    expect(trusted.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(trusted.headers.get("access-control-allow-credentials")).toBe("true");
    expect(trusted.headers.get("access-control-expose-headers")?.toLowerCase()).toContain("set-better-auth-cookie");
    expect(trusted.headers.get("vary")).toMatch(/origin/i);
  });
});

describe("the cross-domain setup (the crossDomain option + crossDomainClient())", () => {
  it("signs up, reads the session and edits the profile with the Better-Auth-Cookie header from a second origin", async () => {
    const { t, auth } = withOrigins();
    const headers = { "content-type": "application/json", origin: SECOND, "better-auth-cookie": "" };
    await raw(t, "/email-otp/send-verification-otp", {
      method: "POST",
      headers,
      body: JSON.stringify({ email: "ann@example.com", type: "sign-in" }),
    });
    const signIn = await raw(t, "/sign-in/email-otp", {
      method: "POST",
      headers,
      body: JSON.stringify({ email: "ann@example.com", otp: auth.lastOtp("ann@example.com"), username: "ann" }),
    });
    expect(signIn.status).toBe(200);
    // The browser keeps no third-party cookie: the session comes back in a header the page may read.
    expect(signIn.headers.getSetCookie()).toEqual([]);
    const setCookie = signIn.headers.get("set-better-auth-cookie")!;
    expect(setCookie).toContain("session_token=");
    // What crossDomainClient() keeps in localStorage and sends back.
    const cookie = getCookie(getSetCookie(setCookie));

    const session = await raw(t, "/get-session", { method: "GET", headers: { origin: SECOND, "better-auth-cookie": cookie } });
    expect(await json(session)).toMatchObject({ user: { email: "ann@example.com", username: "ann" } });
    const update = await raw(t, "/update-user", {
      method: "POST",
      headers: { ...headers, "better-auth-cookie": cookie },
      body: JSON.stringify({ name: "Ann Lee" }),
    });
    expect(update.status).toBe(200);
    // The same header from an untrusted page changes nothing.
    const forged = await raw(t, "/update-user", {
      method: "POST",
      headers: { ...headers, origin: EVIL, "better-auth-cookie": cookie },
      body: JSON.stringify({ name: "Mallory" }),
    });
    expect([forged.status, (await json(forged)).code]).toEqual([403, "INVALID_ORIGIN"]);
    const after = await raw(t, "/get-session", { method: "GET", headers: { "better-auth-cookie": cookie } });
    expect(await json(after)).toMatchObject({ user: { name: "Ann Lee" } });
  });
});

describe("the session by header (the crossDomain option), and nothing more", () => {
  /** A signed-up user's session as crossDomainClient() keeps it: the cookies it sends back in the header. */
  async function headerSession(t: ReturnType<typeof setup>["t"], auth: ReturnType<typeof setup>["auth"], email: string, username: string) {
    const headers = { "content-type": "application/json", origin: SECOND, "better-auth-cookie": "" };
    await raw(t, "/email-otp/send-verification-otp", { method: "POST", headers, body: JSON.stringify({ email, type: "sign-in" }) });
    const signIn = await raw(t, "/sign-in/email-otp", {
      method: "POST",
      headers,
      body: JSON.stringify({ email, otp: auth.lastOtp(email), username }),
    });
    expect(signIn.status).toBe(200);
    return getCookie(getSetCookie(signIn.headers.get("set-better-auth-cookie")!));
  }

  it("answers every request Vary: Origin and Better-Auth-Cookie, since both change the answer", async () => {
    const { t } = withOrigins();
    const requests: Record<string, string>[] = [{}, { origin: SECOND }, { origin: SECOND, "better-auth-cookie": "" }, { origin: EVIL }];
    for (const headers of requests) {
      const response = await raw(t, "/get-session", { method: "GET", headers });
      const vary = (response.headers.get("vary") ?? "").toLowerCase();
      expect([headers, vary]).toEqual([headers, expect.stringContaining("origin")]);
      expect([headers, vary]).toEqual([headers, expect.stringContaining("better-auth-cookie")]);
    }
  });

  it("gives an untrusted page's header no session, and its answer no Set-Better-Auth-Cookie and no CORS", async () => {
    const { t, auth } = withOrigins();
    const cookie = await headerSession(t, auth, "ann@example.com", "ann");
    for (const origin of [EVIL, "null", `${SITE}.evil.example`]) {
      const response = await raw(t, "/get-session", { method: "GET", headers: { origin, "better-auth-cookie": cookie } });
      expect([origin, response.status, await json(response)]).toEqual([origin, 200, null]);
      expect(response.headers.get("set-better-auth-cookie")).toBeNull();
      // Only the convex plugin's clearing of a JWT cookie (no session, nothing to keep).
      expect(response.headers.getSetCookie().filter((cookie) => !cookie.includes("Max-Age=0"))).toEqual([]);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    }
    // The same header from the trusted page still names the session.
    const trusted = await raw(t, "/get-session", { method: "GET", headers: { origin: SECOND, "better-auth-cookie": cookie } });
    expect(await json(trusted)).toMatchObject({ user: { email: "ann@example.com" } });
  });

  it("lets a bearer token name the session when both are sent, and the header's session stays signed in", async () => {
    const { t, auth } = withOrigins();
    const bob = await auth.signUp({ email: "bob@example.com", username: "bob" });
    const annCookie = await headerSession(t, auth, "ann@example.com", "ann");
    const both = { origin: SECOND, authorization: `Bearer ${bob.token}`, "better-auth-cookie": annCookie };
    const session = await raw(t, "/get-session", { method: "GET", headers: both });
    expect(await json(session)).toMatchObject({ user: { email: "bob@example.com" } });
    const signOut = await raw(t, "/sign-out", { method: "POST", headers: { ...both, "content-type": "application/json" }, body: "{}" });
    expect(signOut.status).toBe(200);
    // Bob's session is gone, Ann's is not.
    const bobAfter = await raw(t, "/get-session", { method: "GET", headers: { authorization: `Bearer ${bob.token}` } });
    expect(await json(bobAfter)).toBeNull();
    const annAfter = await raw(t, "/get-session", { method: "GET", headers: { origin: SECOND, "better-auth-cookie": annCookie } });
    expect(await json(annAfter)).toMatchObject({ user: { email: "ann@example.com" } });
  });

  it("reads the header's session, not a cookie sent beside it", async () => {
    const { t, auth } = withOrigins();
    const bob = await auth.signUp({ email: "bob@example.com", username: "bob" });
    const annCookie = await headerSession(t, auth, "ann@example.com", "ann");
    const response = await raw(t, "/get-session", {
      method: "GET",
      headers: { origin: SECOND, cookie: `better-auth.session_token=${bob.token}`, "better-auth-cookie": annCookie },
    });
    expect(await json(response)).toMatchObject({ user: { email: "ann@example.com" } });
  });

  it("answers junk in the header as no session, never an error, and signs nobody in", async () => {
    const { t, auth } = withOrigins();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const junk = [
      "garbage",
      ";;;=;=",
      "better-auth.session_token=",
      `better-auth.session_token=${ann.token}`, // the token without its signature
      `better-auth.session_token=${ann.token}.forged-signature`,
      `better-auth.session_token=${"x".repeat(4000)}`,
      "better-auth.session_token=caf\u00e9",
      "better-auth.session_token=%00%0d%0a",
    ];
    for (const value of junk) {
      const session = await raw(t, "/get-session", { method: "GET", headers: { origin: SECOND, "better-auth-cookie": value } });
      expect([value, session.status, await json(session)]).toEqual([value, 200, null]);
      const update = await raw(t, "/update-user", {
        method: "POST",
        headers: { "content-type": "application/json", origin: SECOND, "better-auth-cookie": value },
        body: JSON.stringify({ name: "Mallory" }),
      });
      expect([value, update.status]).toEqual([value, 401]);
    }
  });

  it("does not serve upstream's one-time-token route: 404 like every route the flow does not use", async () => {
    const { t, auth } = withOrigins();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const requests: Record<string, string>[] = [{}, { origin: SECOND }, { origin: SECOND, "better-auth-cookie": "" }, { authorization: `Bearer ${ann.token}` }];
    for (const headers of requests) {
      const response = await raw(t, "/cross-domain/one-time-token/verify", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ token: "a".repeat(32) }),
      });
      expect([headers, response.status, (await json(response)).code]).toEqual([headers, 404, "NOT_FOUND"]);
      expect(response.headers.get("set-better-auth-cookie")).toBeNull();
    }
  });
});

describe("redirect targets on trusted origins only", () => {
  it("refuses a delete-user callbackURL on another origin, and deletes nothing", async () => {
    const { auth, written } = withOrigins();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const bearer = { authorization: `Bearer ${ann.token}` };
    for (const callbackURL of [`${EVIL}/gotcha`, "//evil.example/x", "javascript:alert(1)", `${SITE}.evil.example/`]) {
      const response = await auth.post("/delete-user", { callbackURL }, bearer);
      expect([callbackURL, response.status, (await json(response)).code]).toEqual([callbackURL, 403, "INVALID_CALLBACK_URL"]);
    }
    expect((await written()).users).toHaveLength(1);
    const allowed = await auth.post("/delete-user", { callbackURL: "/goodbye" }, bearer);
    expect(allowed.status).toBe(200);
  });
});

describe("reset-password never creates a password", () => {
  it("refuses, with the right code, to give a password to an account that signs in by code only", async () => {
    const { auth, inAuthComponent } = withOrigins();
    await auth.signUp({ email: "ann@example.com", username: "ann" });
    await auth.post("/email-otp/request-password-reset", { email: "ann@example.com" });
    const otp = auth.lastOtp("ann@example.com")!;
    const response = await auth.post("/email-otp/reset-password", { email: "ann@example.com", otp, password: "a-new-password-1" });
    expect([response.status, (await json(response)).code]).toEqual([400, "NO_PASSWORD_SIGN_IN"]);
    const accounts: { providerId: string; password?: string | null }[] = await inAuthComponent((ctx) =>
      ctx.db.query("account").collect(),
    );
    expect(accounts.filter((account) => account.providerId === "credential" || account.password)).toEqual([]);
  });
});
