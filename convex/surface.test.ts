/**
 * The plugin's surface, attacked as an outsider would: closed routes, and every route that checks a
 * code hammered in parallel, with the optional routes off (the default) and on.
 */
import { OPTIONAL_ROUTES } from "convex-otp-onboarding";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, setup } from "./test.setup";

type Auth = ReturnType<typeof setup>["auth"];

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

/**
 * The reference backend with every optional route turned on. Its modules load afresh, as a
 * deployment's do when its environment changes: the routes read the options once.
 */
function withOptionalRoutes() {
  vi.stubEnv("OTP_OPTIONAL_ROUTES", OPTIONAL_ROUTES.join(","));
  vi.resetModules();
  return setup();
}

const answerOf = async (response: Response) => [response.status, await json(response)];
const wrongFor = (otp: string) => (otp === "000000" ? "111111" : "000000");

describe("a closed surface", () => {
  it("answers 404 on every route and purpose an app has not turned on", async () => {
    const { auth } = setup();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const bearer = { authorization: `Bearer ${ann.token}` };
    const closed: [string, Record<string, unknown>][] = [
      ["/email-otp/check-verification-otp", { email: "ann@example.com", type: "sign-in", otp: "123456" }],
      ["/email-otp/send-verification-otp", { email: "ann@example.com", type: "forget-password" }],
      ["/email-otp/send-verification-otp", { email: "ann@example.com", type: "email-verification" }],
      ["/email-otp/send-verification-otp", { email: "ann@example.com", type: "change-email" }],
      ["/email-otp/request-password-reset", { email: "ann@example.com" }],
      ["/forget-password/email-otp", { email: "ann@example.com" }],
      ["/email-otp/reset-password", { email: "ann@example.com", otp: "123456", password: "a-new-password-1" }],
      ["/email-otp/verify-email", { email: "ann@example.com", otp: "123456" }],
      ["/email-otp/request-email-change", { newEmail: "bob@example.com" }],
      ["/email-otp/change-email", { newEmail: "bob@example.com", otp: "123456" }],
      // Better Auth's own routes that are no part of this flow.
      ["/sign-up/email", { email: "eve@example.com", password: "a-password-123", name: "Eve" }],
      ["/sign-in/email", { email: "ann@example.com", password: "a-password-123" }],
      ["/change-password", { currentPassword: "x", newPassword: "a-password-123" }],
      ["/revoke-sessions", {}],
    ];
    for (const [path, body] of closed) {
      const response = await auth.post(path, body, bearer);
      expect([path, response.status, await json(response)]).toEqual([path, 404, { code: "NOT_FOUND", message: "Not found" }]);
    }
    const listed = await auth.get("/list-sessions", bearer);
    expect(listed.status).toBe(404);
  });

  it("sets no password on a passwordless account, whatever the reset routes are sent", async () => {
    const { auth, inAuthComponent } = setup();
    await auth.signUp({ email: "ann@example.com", username: "ann" });
    await auth.post("/email-otp/request-password-reset", { email: "ann@example.com" });
    await auth.post("/email-otp/reset-password", { email: "ann@example.com", otp: "000000", password: "a-new-password-1" });
    const accounts: { password?: string | null }[] = await inAuthComponent((ctx) => ctx.db.query("account").collect());
    expect(accounts.filter((account) => account.password)).toEqual([]);
  });
});

/** A route that checks a code: how to get a code for it, and one guess at it. */
type CheckRoute = {
  path: string;
  /** Sends the code for `email` and returns where it was mailed, plus headers the check needs. */
  prepare: (auth: Auth, email: string) => Promise<{ mailedTo: string; headers: Record<string, string> }>;
  guess: (email: string, otp: string) => Record<string, unknown>;
};

const signedIn = async (auth: Auth, email: string) => {
  const user = await auth.signUp({ email, username: email.split("@")[0]!.replace(/\W/g, "_") });
  return { authorization: `Bearer ${user.token}` };
};

const CHECK_ROUTES: CheckRoute[] = [
  {
    path: "/sign-in/email-otp",
    prepare: async (auth, email) => ((await auth.sendOtp(email)), { mailedTo: email, headers: {} }),
    guess: (email, otp) => ({ email, otp, username: "guesser" }),
  },
  {
    path: "/email-otp/check-verification-otp",
    prepare: async (auth, email) => ((await auth.sendOtp(email)), { mailedTo: email, headers: {} }),
    guess: (email, otp) => ({ email, type: "sign-in", otp }),
  },
  {
    path: "/email-otp/verify-email",
    prepare: async (auth, email) => {
      await signedIn(auth, email);
      await auth.post("/email-otp/send-verification-otp", { email, type: "email-verification" });
      return { mailedTo: email, headers: {} };
    },
    guess: (email, otp) => ({ email, otp }),
  },
  {
    path: "/email-otp/reset-password",
    prepare: async (auth, email) => {
      await signedIn(auth, email);
      await auth.post("/email-otp/request-password-reset", { email });
      return { mailedTo: email, headers: {} };
    },
    guess: (email, otp) => ({ email, otp, password: "a-new-password-1" }),
  },
  {
    path: "/email-otp/change-email",
    prepare: async (auth, email) => {
      const headers = await signedIn(auth, email);
      await auth.post("/email-otp/request-email-change", { newEmail: `new-${email}` }, headers);
      return { mailedTo: `new-${email}`, headers };
    },
    guess: (email, otp) => ({ newEmail: `new-${email}`, otp }),
  },
];

describe("30 parallel guesses at one code confirm nothing after 3 tries", { timeout: 60_000 }, () => {
  it.each(CHECK_ROUTES.map((route) => [route.path, route] as const))("on %s", async (_path, route) => {
    const { auth } = withOptionalRoutes();
    const email = "victim@example.com";
    const { mailedTo, headers } = await route.prepare(auth, email);
    const otp = auth.lastOtp(mailedTo)!;
    const wrong = Array.from({ length: 29 }, (_, i) => String(i).padStart(6, "0")).filter((g) => g !== otp);
    // The right code tenth: three wrong tries land before it, whatever the order they run in.
    const guesses = [...wrong.slice(0, 9), otp, ...wrong.slice(9, 29)];

    const answers = await Promise.all(
      guesses.map(async (guess) => answerOf(await auth.post(route.path, route.guess(email, guess), headers))),
    );
    // Any answer but a refusal of the code would tell the attacker the guess was right.
    const confirmed = answers.filter(([, body]) => !["INVALID_OTP", "TOO_MANY_ATTEMPTS"].includes((body as { code?: string }).code!));
    // A guess compared with the live code says how many tries the code has left; the others found
    // the code dead (TOO_MANY_ATTEMPTS) or gone (INVALID_OTP, nothing to compare).
    const compared = answers.filter(([, body]) => (body as { triesLeft?: number }).triesLeft !== undefined);
    expect(confirmed).toEqual([]);
    // The route is served and compared guesses (the attack is real), but no more than 3.
    expect(compared.length).toBeGreaterThan(0);
    expect(compared.length).toBeLessThanOrEqual(3);
    // The code is dead now: even alone, the right code is refused.
    const after = await auth.post(route.path, route.guess(email, otp), headers);
    expect(after.status).not.toBe(200);
  });
});

/** A purpose that is on: how its code is sent, and a wrong check at it. */
type Purpose = {
  name: string;
  send: (auth: Auth, email: string) => Promise<Response>;
  check: (auth: Auth, email: string) => Promise<Response>;
};

const PURPOSES: Purpose[] = [
  {
    name: "sign-in",
    send: (auth, email) => auth.sendOtp(email),
    check: (auth, email) => auth.post("/sign-in/email-otp", { email, otp: wrongFor(auth.lastOtp(email) ?? "") }),
  },
  {
    name: "sign-in, checked without signing in",
    send: (auth, email) => auth.sendOtp(email),
    check: (auth, email) =>
      auth.post("/email-otp/check-verification-otp", { email, type: "sign-in", otp: wrongFor(auth.lastOtp(email) ?? "") }),
  },
  {
    name: "email-verification",
    send: (auth, email) => auth.post("/email-otp/send-verification-otp", { email, type: "email-verification" }),
    check: (auth, email) => auth.post("/email-otp/verify-email", { email, otp: wrongFor(auth.lastOtp(email) ?? "") }),
  },
  {
    name: "forget-password",
    send: (auth, email) => auth.post("/email-otp/request-password-reset", { email }),
    check: (auth, email) =>
      auth.post("/email-otp/reset-password", { email, otp: wrongFor(auth.lastOtp(email) ?? ""), password: "a-new-password-1" }),
  },
  {
    name: "forget-password, by the older route",
    send: (auth, email) => auth.post("/forget-password/email-otp", { email }),
    check: (auth, email) =>
      auth.post("/email-otp/check-verification-otp", { email, type: "forget-password", otp: wrongFor(auth.lastOtp(email) ?? "") }),
  },
];

describe("one purpose cannot spend another's budget", () => {
  it("lets an address sign up after eleven password-reset requests for it", async () => {
    const { auth } = withOptionalRoutes();
    const attacker = auth.fromIp("203.0.113.66");
    for (let i = 0; i < 11; i++) await attacker.post("/email-otp/request-password-reset", { email: "new@example.com" });
    expect((await auth.sendOtp("new@example.com")).status).toBe(200);
  });
});

describe("registered and unknown emails answer alike on every purpose that is on", { timeout: 60_000 }, () => {
  it.each(PURPOSES.map((purpose) => [purpose.name, purpose] as const))("%s", async (_name, purpose) => {
    const { auth } = withOptionalRoutes();
    await auth.signUp({ email: "ann@example.com", username: "ann" });
    const story = async (email: string) => {
      const answers = [await answerOf(await purpose.send(auth, email)), await answerOf(await purpose.send(auth, email))];
      for (let i = 0; i < 4; i++) answers.push(await answerOf(await purpose.check(auth, email)));
      return answers;
    };
    const registered = await story("ann@example.com");
    const unknown = await story("nobody@example.com");
    // The second send waits, three wrong tries count down, the fourth finds the code dead.
    expect(registered.map(([status]) => status)).toEqual([200, 429, 400, 400, 400, 403]);
    expect(JSON.stringify(unknown).replaceAll(/"retryAfter":\d+/g, "")).toEqual(
      JSON.stringify(registered).replaceAll(/"retryAfter":\d+/g, ""),
    );
  });

  it("an email change to a taken or a free address", async () => {
    const { auth } = withOptionalRoutes();
    await auth.signUp({ email: "taken@example.com", username: "taken" });
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const headers = { authorization: `Bearer ${ann.token}` };
    const story = async (newEmail: string) => {
      const answers = [await answerOf(await auth.post("/email-otp/request-email-change", { newEmail }, headers))];
      for (let i = 0; i < 4; i++) {
        const otp = wrongFor(auth.lastOtp(newEmail) ?? "");
        answers.push(await answerOf(await auth.post("/email-otp/change-email", { newEmail, otp }, headers)));
      }
      return answers;
    };
    const taken = await story("taken@example.com");
    expect(taken.map(([status]) => status)).toEqual([200, 400, 400, 400, 403]);
    expect(await story("free@example.com")).toEqual(taken);
  });
});
