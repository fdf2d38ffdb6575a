/**
 * What the session routes the app uses cost after a sign-up: each called with the session as
 * `Authorization: Bearer <token>` and the app's `origin`, as the browser client sends them.
 */
import type { Call } from "./calls.js";
import type { Setup } from "./setups.js";
import { timedSignUp } from "./signup.js";

/** One session route, as the app calls it. */
export type SessionRoute = {
  path: string;
  method: "GET" | "POST";
  body?: Record<string, unknown>;
  /** Ends the session or the user: run on a session of its own. */
  ends?: "session" | "user";
};

/** The routes, in the order a user meets them; `sign-out` and `delete-user` each end a session. */
export const SESSION_ROUTES: readonly SessionRoute[] = [
  { path: "/get-session", method: "GET" },
  { path: "/update-user", method: "POST", body: { name: "Renamed" } },
  { path: "/convex/token", method: "GET" },
  { path: "/sign-out", method: "POST", body: {}, ends: "session" },
  { path: "/delete-user", method: "POST", body: {}, ends: "user" },
];

/** One call of a route: its answer's status, its time, and the calls it made. */
export type RouteRun = { status: number; ms: number; calls: Call[] };

let serial = 0;

/**
 * Signs up two users on `setup` (untimed, uncounted) and calls every route once as them: the
 * routes up to `sign-out` as the first, `delete-user` as the second. Returns one run per route.
 */
export async function sessionRound(setup: Setup): Promise<RouteRun[]> {
  const signUp = async () => {
    const n = serial++;
    const fields = setup.name === "plugin" ? { username: `session${n}` } : {};
    return (await timedSignUp(setup, `session-${setup.name}${n}@example.com`, fields)).token;
  };
  const tokens = { session: await signUp(), user: await signUp() };
  setup.log.take();
  const origin = process.env["SITE_URL"]!;
  const runs: RouteRun[] = [];
  for (const route of SESSION_ROUTES) {
    const token = route.ends === "user" ? tokens.user : tokens.session;
    const start = performance.now();
    const response = await setup.fetch(`/api/auth${route.path}`, {
      method: route.method,
      headers: {
        authorization: `Bearer ${token}`,
        origin,
        ...(route.body ? { "content-type": "application/json" } : {}),
      },
      ...(route.body ? { body: JSON.stringify(route.body) } : {}),
    });
    await response.text();
    const ms = performance.now() - start;
    await setup.t.finishAllScheduledFunctions(() => {});
    runs.push({ status: response.status, ms, calls: setup.log.take() });
  }
  return runs;
}
