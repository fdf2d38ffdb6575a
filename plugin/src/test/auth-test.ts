/**
 * The convex-test kit: sign users up and in over the real HTTP routes, read their codes without
 * any network, and act as them in queries and mutations.
 *
 * ```ts
 * const t = convexTest(schema, modules);
 * const auth = authTest(t, { schema: authSchema, modules: import.meta.glob("./betterAuth/**\/*.*s") });
 * const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
 * await ann.as.query(api.profiles.me, {});
 * ```
 */
import type { TestConvex } from "convex-test";
import type { GenericMutationCtx, GenericSchema, SchemaDefinition } from "convex/server";
import { captureMail } from "../mail/capture.js";
import type { SignUpNotice } from "../mail/notice.js";
import type { OtpType } from "../mail/sender.js";
import { enforceDeploymentRules } from "./deployment-rules.js";
import { jwtClaims } from "./jwt-claims.js";
import { registerRateLimiter } from "./rate-limiter.js";

/** A code the kit captured instead of sending it. */
export type OutboxMail = { to: string; otp: string; type: OtpType; link?: string | undefined };

/** Options of {@link authTest}. */
export type AuthTestOptions = {
  /** The Better Auth component's schema (`convex/betterAuth/schema.ts`). */
  schema: SchemaDefinition<GenericSchema, boolean>;
  /** The component's modules: `import.meta.glob("./betterAuth/**\/*.*s")`. */
  modules: Record<string, () => Promise<any>>;
  /**
   * The component's name in `convex.config.ts`.
   * @default "betterAuth"
   */
  name?: string | undefined;
  /**
   * The rate limiter component's name in `convex.config.ts`.
   * @default "rateLimiter"
   */
  rateLimiterName?: string | undefined;
  /**
   * Capture codes in `outbox` instead of handing them to the configured sender. Turn it off to
   * test a sender itself.
   * @default true
   */
  captureMail?: boolean | undefined;
};

/** A failed step of `signUp`/`signIn`: carries the route's HTTP status and error code. */
export class AuthTestError extends Error {
  constructor(
    readonly step: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly body: unknown,
  ) {
    super(`${step} failed with ${status} ${code ?? ""}`.trim());
    this.name = "AuthTestError";
  }
}

/** A user row for {@link authTest}'s `insertUsers`: the email and the sign-up fields. */
export type ExistingUser = { email: string; name?: string } & Record<string, unknown>;

// Rows per transaction when seeding: well inside Convex's per-transaction limits.
const INSERT_BATCH = 1000;

/**
 * Runs `run` as a mutation inside a registered component (e.g. to read or seed its tables).
 * convex-test has this at run time, not yet in its type declarations.
 */
export function runInComponent<T>(
  t: object,
  component: string,
  run: (ctx: GenericMutationCtx<any>) => Promise<T>,
): Promise<T> {
  const runner = t as { runInComponent?: (component: string, run: unknown) => Promise<T> };
  if (typeof runner.runInComponent !== "function") {
    throw new Error("runInComponent: this convex-test version cannot run code inside a component");
  }
  return runner.runInComponent(component, run);
}

let clientsSoFar = 0;

/**
 * The client IP of a request that names none (`fromIp` does): a new one each time, from
 * 198.18.0.0/15 (RFC 2544, kept for tests). Per-IP limits then count only where a test asks for them.
 */
function testClientIp(): string {
  clientsSoFar = (clientsSoFar + 1) % 131_072;
  return `198.${18 + (clientsSoFar >> 16)}.${(clientsSoFar >> 8) & 255}.${clientsSoFar & 255}`;
}

const TEST_ENV = {
  SITE_URL: "http://localhost:3000",
  CONVEX_SITE_URL: "http://127.0.0.1:3211",
  BETTER_AUTH_SECRET: "convex-otp-onboarding-test-secret-0123456789abcdef",
};

/**
 * Registers the Better Auth component on `t`, sets test defaults for `SITE_URL`,
 * `CONVEX_SITE_URL` and `BETTER_AUTH_SECRET` (when unset), captures codes, holds queries and
 * mutations to what a deployment refuses there (`enforceDeploymentRules`), and returns helpers
 * that drive the real routes.
 */
export function authTest<Schema extends GenericSchema>(
  t: TestConvex<SchemaDefinition<Schema, boolean>>,
  options: AuthTestOptions,
) {
  for (const [key, value] of Object.entries(TEST_ENV)) process.env[key] ??= value;
  enforceDeploymentRules();
  t.registerComponent(options.name ?? "betterAuth", options.schema, options.modules);
  registerRateLimiter(t, options.rateLimiterName);

  const outbox: OutboxMail[] = [];
  /** What the sign-up policy mailed instead of a code (waitlist, sign-ups closed, invites). */
  const notices: SignUpNotice[] = [];
  if (options.captureMail !== false) {
    captureMail(
      ({ to, otp, type, link }) => void outbox.push({ to, otp, type, ...(link ? { link } : {}) }),
      (notice) => void notices.push(notice),
    );
  }
  const origin = process.env["SITE_URL"]!;

  /** The latest captured code for `email`, or `undefined`. */
  function lastOtp(email: string): string | undefined {
    const to = email.trim().toLowerCase();
    return outbox.findLast((mail) => mail.to === to)?.otp;
  }

  async function expectOk(step: string, response: Response) {
    const body: any = await response.json().catch(() => null);
    if (!response.ok) throw new AuthTestError(step, response.status, body?.code, body);
    return body;
  }

  /** The route helpers, each request sent from the client IP `ipOf()` gives. */
  function routes(ipOf: () => string) {
    const client = { fetch: (path: string, init?: RequestInit) => t.withRequestMetadata({ ip: ipOf() }).fetch(path, init) };
    /** POSTs JSON to a Better Auth route, as the browser app would. */
    function post(path: string, body: unknown, headers: Record<string, string> = {}) {
      return client.fetch(`/api/auth${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin, ...headers },
        body: JSON.stringify(body),
      });
    }

    /** GETs a Better Auth route (e.g. `/get-session`), as the browser app would. */
    function get(path: string, headers: Record<string, string> = {}) {
      return client.fetch(`/api/auth${path}`, { method: "GET", headers: { origin, ...headers } });
    }

    /** Asks for a sign-in code; sign-up fields may ride along for an early check. */
    function sendOtp(email: string, fields: Record<string, unknown> = {}) {
      return post("/email-otp/send-verification-otp", { email, type: "sign-in", ...fields });
    }

    /** Sends a code to `email` and signs in with it; `fields` are the sign-up fields of a new user. */
    async function signInWith(email: string, fields: Record<string, unknown>) {
      await expectOk("send code", await sendOtp(email));
      const otp = lastOtp(email);
      if (!otp) throw new AuthTestError("send code", 200, "NO_MAIL", null);
      const { token } = await expectOk(
        "sign in",
        await post("/sign-in/email-otp", { email, otp, ...fields }),
      );
      return session(token);
    }

    return {
      post,
      get,
      sendOtp,
      /** Signs a new user up: `{ email, ...signUpFields }`. Returns `{ userId, token, as }`. */
      signUp: ({ email, ...fields }: { email: string } & Record<string, unknown>) =>
        signInWith(email, fields),
      /** Signs an existing user in. Returns `{ userId, token, as }`. */
      signIn: (email: string) => signInWith(email, {}),
    };
  }

  /** Signs in with a session token: the Convex JWT's claims become `t`'s identity. */
  async function session(token: string) {
    const jwt = await expectOk(
      "convex token",
      await t.fetch("/api/auth/convex/token", { headers: { authorization: `Bearer ${token}` } }),
    );
    const { sub, iss, ...claims } = jwtClaims(jwt.token as string);
    const as = t.withIdentity({ ...claims, subject: String(sub), issuer: String(iss) });
    return { userId: String(sub), token, as };
  }

  const componentName = options.name ?? "betterAuth";

  /**
   * Inserts users as they were before onboarding was installed: straight into the component's
   * `user` table, without the `onCreate` trigger (for testing a backfill). Returns their ids.
   */
  async function insertUsers(users: ExistingUser[]): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; start < users.length; start += INSERT_BATCH) {
      const batch = users.slice(start, start + INSERT_BATCH);
      const created = await runInComponent(t, componentName, async (ctx) => {
        const now = Date.now();
        return await Promise.all(
          batch.map(({ email, name, ...fields }) =>
            ctx.db.insert("user", {
              ...fields,
              name: name ?? "",
              email,
              emailVerified: true,
              createdAt: now,
              updatedAt: now,
            }),
          ),
        );
      });
      ids.push(...created);
    }
    return ids;
  }

  return {
    outbox,
    notices,
    lastOtp,
    ...routes(testClientIp),
    /**
     * The same helpers, every request sent from client IP `ip` (what Convex reports in `ctx.meta`).
     * Without it each request comes from a new IP, so per-IP limits only count where a test asks.
     */
    fromIp: (ip: string) => routes(() => ip),
    /** `{ userId, token, as }` for a session token from a route's answer. */
    session,
    insertUsers,
  };
}
