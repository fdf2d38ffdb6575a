/**
 * Property tests of the auth routes: thousands of generated requests, as an attacker would write
 * them, each checked for what must always hold — never a 5xx, always a JSON answer with a `code`
 * when refused, the gate's exact answer for bodies it must refuse, nothing written by a refused
 * request, never a code burned by a refusal of the request's fields, and no stored name that hides
 * characters or shows nothing.
 *
 * Generators checked under many seeds (once, 4 Dec 2026, not in CI), after a lone `\ud800` was
 * generated next to a lone `\udfff` (together U+103FF, rightly accepted; seed 333636593):
 * - each generator whose values a property says must be refused was sampled with `fc.sample` and
 *   every value run through the server's pure validation (the gate's size, depth and keys, then
 *   the sign-up schema and visible-text rule after the request's JSON round trip): hidden-character
 *   names and usernames and blank names, 500 000 each (seeds 1–500, 1 000 a seed), hidden names
 *   100 000 more (seeds 333636000–333636999, 100 a seed), spoiled sign-ins 250 000 (seeds 1–250):
 *   none accepted (96 of 20 000 hidden names were, before the fix);
 * - this file whole under FUZZ_SEED=1, 2, 3, 42 and 333636593: green.
 */
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import { emailSchema } from "convex-otp-onboarding";
import {
  aliasRecipe,
  badBody,
  bodyFor,
  callbackURLLike,
  closedPath,
  codeGuess,
  codeRequest,
  credentials,
  deepJson,
  emailLike,
  fieldValue,
  foreignBody,
  headerJunk,
  inviteLike,
  junk,
  longString,
  nameLike,
  notAJsonObject,
  oddBodyHeaders,
  oddQuery,
  purposeLike,
  randomPath,
  rawObject,
  respelledPath,
  sixDigits,
  someUndeclaredKeys,
  spellAlias,
  spoiledSignIn,
  spoiledSignInBody,
  textThatShowsNothing,
  textWithHiddenCharacters,
  usernameLike,
} from "./fuzz.arbitraries";
import { setup } from "./test.setup";
import { displayName, signUpFields } from "./signUpFields";

const SEND = "/email-otp/send-verification-otp";
const SIGN_IN = "/sign-in/email-otp";
const UPDATE_USER = "/update-user";
const SIGN_OUT = "/sign-out";
const DELETE_USER = "/delete-user";
const FRESH_CODE = "/email-otp/request-fresh-code";
const LONG = { timeout: 180_000 };

/** Runs of each property (some send several requests a run; the kit's set-up requests are not counted). */
const RUNS = {
  codeRequests: 500,
  signIns: 500,
  badBodies: 1_800,
  closedRoutes: 1_400,
  junkMethods: 100,
  spoiledSignIns: 30,
  hiddenSignUpFields: 20,
  blankNames: 20,
  updateUser: 200,
  updateUserNames: 80,
  updateUserIssues: 50,
  sessionRoutes: 300,
  deleteUser: 100,
  aliases: 60,
  validSignUps: 25,
  inviteOnly: 60,
};
const MIN_REQUESTS = 5_000;

// Replays a failure: `FUZZ_SEED=<the seed fast-check printed> npx vitest run convex/fuzz.test.ts -t "<property>"`.
if (process.env.FUZZ_SEED) fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED) });

type Fixture = ReturnType<typeof setup>;
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

// ---------------------------------------------------------------------------------------------
// Sending requests and reading answers

let requestsSent = 0;
let clientsSoFar = 0;
/** Requests sent by each property, by its name. */
const sentBy = new Map<string, number>();
let property = "";
beforeEach(({ task }) => {
  property = task.name;
});
afterEach(() => void vi.unstubAllEnvs());
function countRequests(count: number) {
  requestsSent += count;
  sentBy.set(property, (sentBy.get(property) ?? 0) + count);
}

/** A client IP of its own for every request (100.64.0.0/10), so per-IP limits never decide an answer. */
function nextClientIp() {
  clientsSoFar += 1;
  return `100.${64 + ((clientsSoFar >> 16) & 63)}.${(clientsSoFar >> 8) & 255}.${clientsSoFar & 255}`;
}

type FuzzRequest = { method?: string; path: string; body?: string; headers?: Record<string, string> };
type Answer = { status: number; contentType: string | null; text: string; body: any };
const NOT_JSON = Symbol("not JSON");

/** Sends one generated request to `/api/auth<path>`, its body exactly as given, and reads the answer. */
async function send(t: Fixture["t"], { method = "POST", path, body, headers = {} }: FuzzRequest): Promise<Answer> {
  countRequests(1);
  const response = await t.withRequestMetadata({ ip: nextClientIp() }).fetch(`/api/auth${path}`, {
    method,
    headers: {
      origin: process.env.SITE_URL!,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown = NOT_JSON;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Checked by expectCleanAnswer.
  }
  return { status: response.status, contentType: response.headers.get("content-type"), text, body: parsed };
}

/** Never a 5xx; always JSON; a refusal always carries a string `code` and a `message`. */
function expectCleanAnswer(answer: Answer) {
  const shown = `${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, shown).toBeLessThan(500);
  expect(answer.contentType, shown).toMatch(/^application\/json/);
  expect(answer.body !== NOT_JSON, `not JSON: ${shown}`).toBe(true);
  if (answer.status >= 400) {
    expect(answer.body, shown).toMatchObject({ code: expect.stringMatching(/\S/), message: expect.any(String) });
  }
}

// ---------------------------------------------------------------------------------------------
// What the HTTP action's gate must answer, worked out from the request alone

const MAX_BODY_BYTES = 16 * 1024;
const MAX_BODY_DEPTH = 2;
const SIGN_UP_FIELDS = Object.keys(signUpFields.shape);
const PURPOSES = ["sign-in", "email-verification", "forget-password", "change-email"];

/** The routes this app serves (no optional routes), and the keys each one's body may carry. */
const SERVED: Record<string, { method: "GET" | "POST"; keys: string[] }> = {
  [SEND]: { method: "POST", keys: ["email", "type", ...SIGN_UP_FIELDS] },
  [SIGN_IN]: { method: "POST", keys: ["email", "otp", ...SIGN_UP_FIELDS] },
  [UPDATE_USER]: { method: "POST", keys: ["name", ...SIGN_UP_FIELDS] },
  [SIGN_OUT]: { method: "POST", keys: [] },
  // `otp`: the fresh code an older session deletes with.
  [DELETE_USER]: { method: "POST", keys: ["callbackURL", "otp"] },
  [FRESH_CODE]: { method: "POST", keys: ["action"] },
  "/get-session": { method: "GET", keys: [] },
  "/convex/token": { method: "GET", keys: [] },
  "/convex/jwks": { method: "GET", keys: [] },
  "/convex/.well-known/openid-configuration": { method: "GET", keys: [] },
};
const SERVED_POST = Object.keys(SERVED).filter((path) => SERVED[path]!.method === "POST");
const SERVED_GET = Object.keys(SERVED).filter((path) => SERVED[path]!.method === "GET");

/** How deeply a parsed body nests objects and arrays (a flat object is 1), without recursion. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== "object") continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** The path under `/api/auth` that a request reaches, as the URL parser resolves it. */
const routedPath = (path: string) => new URL(`http://test/api/auth${path}`).pathname.slice("/api/auth".length);

type GateAnswer = { status: number; code: string; fields?: string[] };
const INVALID_BODY: GateAnswer = { status: 400, code: "INVALID_BODY" };
const NOT_FOUND: GateAnswer = { status: 404, code: "NOT_FOUND" };

/**
 * What the HTTP action must answer before Better Auth sees the request, or `undefined` when the
 * request passes: a body over 16 KiB (by size or declared length), not JSON, not an object or
 * nested deeper than 2; a route, method or purpose that is not served; keys the route does not take.
 */
function gateAnswer({ method = "POST", path, body: raw, headers = {} }: FuzzRequest): GateAnswer | undefined {
  let body: Record<string, unknown> = {};
  if (method !== "GET" && raw !== undefined) {
    const bytes = new TextEncoder().encode(raw);
    if (Number(headers["content-length"]) > MAX_BODY_BYTES || bytes.length > MAX_BODY_BYTES) {
      return { status: 413, code: "BODY_TOO_LARGE" };
    }
    // The server reads the bytes sent: lone surrogates arrive as U+FFFD.
    const text = new TextDecoder().decode(bytes);
    if (text.trim() !== "") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return INVALID_BODY;
      }
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return INVALID_BODY;
      if (depthOf(parsed) > MAX_BODY_DEPTH) return INVALID_BODY;
      body = parsed as Record<string, unknown>;
    }
  }
  const served = routedPath(path);
  const route = Object.hasOwn(SERVED, served) ? SERVED[served] : undefined;
  if (!route || route.method !== method) return NOT_FOUND;
  const type = body["type"];
  if (served === SEND && typeof type === "string" && PURPOSES.includes(type) && type !== "sign-in") return NOT_FOUND;
  // A fresh code for an email change needs the change-email route, which is off here.
  if (served === FRESH_CODE && body["action"] === "change-email") return NOT_FOUND;
  const unknown = Object.keys(body).filter((key) => !route.keys.includes(key));
  if (unknown.length > 0) return { status: 400, code: "UNKNOWN_FIELD", fields: unknown };
  return undefined;
}

function expectGateAnswer(answer: Answer, expected: GateAnswer) {
  expect({ status: answer.status, code: answer.body?.code }, answer.text.slice(0, 300)).toEqual({
    status: expected.status,
    code: expected.code,
  });
  if (expected.fields) expect(answer.body.fields).toEqual(expected.fields);
}

/** Sends a request and checks its answer: clean, and exactly the gate's answer where the gate must refuse. */
async function sendChecked(t: Fixture["t"], request: FuzzRequest) {
  const answer = await send(t, request);
  expectCleanAnswer(answer);
  const gate = gateAnswer(request);
  if (gate) expectGateAnswer(answer, gate);
  return { answer, gate };
}

// ---------------------------------------------------------------------------------------------
// What was written

/** Everything a request can write: users, codes, profiles, onboarding markers and sessions. */
async function snapshot({ written, inAuthComponent }: Fixture) {
  const rows = await written();
  const sessions = await inAuthComponent<any[]>((ctx) => ctx.db.query("session").collect());
  return { ...rows, sessions };
}

/**
 * Snapshots carried from run to run: each run's state after is the next one's before, so that a
 * run reads the tables once. Read afresh after a run that failed, or after `forget()` (set-up work
 * between runs).
 */
function carriedSnapshots(fixture: Fixture) {
  let last: Snapshot | undefined;
  return {
    async before() {
      const state = last ?? (await snapshot(fixture));
      last = undefined;
      return state;
    },
    async after() {
      last = await snapshot(fixture);
      return last;
    },
    forget() {
      last = undefined;
    },
  };
}

// Control and format characters and lone surrogates; and what shows something on screen.
const HIDDEN_CHARACTER = /[\p{Cc}\p{Cf}\p{Cs}]/u;
const SHOWS_SOMETHING = /[^\p{White_Space}\p{Z}\p{Cc}\p{Cf}\p{Cs}\p{M}\p{Default_Ignorable_Code_Point}]/u;

/** Text a person can read: nothing hidden in it, and something visible (or nothing at all). */
const readable = (text: string) => text === "" || (!HIDDEN_CHARACTER.test(text) && SHOWS_SOMETHING.test(text));

/** No stored name, username or profile text hides characters or shows nothing. */
function expectStoredTextReadable(state: Pick<Snapshot, "users" | "profiles">) {
  const texts: [string, unknown][] = [
    ...state.users.flatMap((user: any): [string, unknown][] => [
      [`user ${user._id} name`, user.name],
      [`user ${user._id} username`, user.username],
    ]),
    ...state.profiles.flatMap((profile: any): [string, unknown][] => [
      [`profile of ${profile.userId} displayName`, profile.displayName],
      [`profile of ${profile.userId} username`, profile.username],
      [`profile of ${profile.userId} bio`, profile.bio],
    ]),
  ];
  const unreadable = texts
    .filter(([, text]) => typeof text !== "string" || !readable(text))
    .map(([what, text]) => `${what}: ${JSON.stringify(text)?.slice(0, 80)}`);
  expect(unreadable, `stored text no one can read: ${unreadable.join("; ")}`).toEqual([]);
}

/** Which rows of a table changed between two snapshots: added, removed or different, by `_id`. */
function changedIds(before: { _id: string }[], after: { _id: string }[]) {
  const old = new Map(before.map((row) => [row._id, JSON.stringify(row)]));
  const now = new Map(after.map((row) => [row._id, JSON.stringify(row)]));
  return [...new Set([...old.keys(), ...now.keys()])].filter((id) => old.get(id) !== now.get(id)).sort();
}

/** Makes a new user and their session, through the kit (set-up, not counted as generated). */
async function newUser({ auth }: Fixture, name: string) {
  const user = await auth.signUp({ email: `${name}@example.com`, username: name });
  return { ...user, email: `${name}@example.com`, headers: { authorization: `Bearer ${user.token}` } };
}

/** Sends a sign-in code to `email` and returns it. */
async function codeFor({ t, auth }: Fixture, email: string) {
  const answer = await send(t, { path: SEND, body: JSON.stringify({ email, type: "sign-in" }) });
  expect(answer.status, answer.text).toBe(200);
  return auth.lastOtp(email)!;
}

const CODE_REFUSALS = ["INVALID_OTP", "OTP_EXPIRED", "TOO_MANY_ATTEMPTS"];

/**
 * Sends sign-ins that carry the right code but must be refused for their body, keys or fields:
 * each is refused for that (not for the code), writes nothing, and leaves the code usable.
 */
async function expectRefusedKeepingTheCode(fixture: Fixture, bodies: string[]) {
  for (const body of bodies) {
    const before = await snapshot(fixture);
    const { answer } = await sendChecked(fixture.t, { path: SIGN_IN, body });
    expect(answer.status, `accepted: ${body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
    expect(CODE_REFUSALS).not.toContain(answer.body.code);
    expect(await snapshot(fixture)).toEqual(before);
  }
}

/** The same code then signs a new user in with valid fields: it was not burned. */
async function expectCodeStillSignsIn(fixture: Fixture, email: string, otp: string, username: string) {
  const answer = await send(fixture.t, { path: SIGN_IN, body: JSON.stringify({ email, otp, username }) });
  expect(answer.status, `the code was burned: ${answer.text.slice(0, 300)}`).toBe(200);
  expect(answer.body.token).toEqual(expect.any(String));
}

describe("fuzzed requests", () => {
  it(
    `code requests: ${RUNS.codeRequests} generated bodies, never a 5xx, the gate's answer to bad bodies and keys, never a stray write`,
    LONG,
    async () => {
      const fixture = setup();
      const { t, auth } = fixture;
      const states = carriedSnapshots(fixture);
      const known = ["ann@example.com", "bob@example.com", "ann.lee@gmail.com"];
      const body = fc.oneof(
        {
          weight: 3,
          arbitrary: bodyFor({
            email: fieldValue(emailLike(known)),
            type: fieldValue(purposeLike),
            username: fieldValue(usernameLike),
            name: fieldValue(nameLike),
            invite: fieldValue(inviteLike),
          }),
        },
        { weight: 1, arbitrary: codeRequest(known) },
      );
      await fc.assert(
        fc.asyncProperty(body, async (raw) => {
          const before = await states.before();
          const mailsBefore = auth.outbox.length;
          const { answer } = await sendChecked(t, { path: SEND, body: raw });

          const after = await states.after();
          expect([after.users, after.profiles, after.markers, after.sessions]).toEqual([[], [], [], []]);
          const mails = auth.outbox.slice(mailsBefore);
          if (answer.status === 200) {
            // Sign-in codes always leave; Better Auth mails other purposes to registered emails only.
            expect(mails.length).toBeLessThanOrEqual(1);
            for (const mail of mails) expect(mail.to).toBe(emailSchema.parse(JSON.parse(raw).email));
          } else {
            expect(mails).toEqual([]);
            expect(after.codes).toEqual(before.codes);
          }
          // A new code replaces the old one: never two codes for one email and purpose.
          const identifiers = after.codes.map((code: { identifier: string }) => code.identifier);
          expect(new Set(identifiers).size).toBe(identifiers.length);
        }),
        { numRuns: RUNS.codeRequests },
      );
      expect(Object.keys(Object.prototype)).toEqual([]);
    },
  );

  it(
    `sign-ins: ${RUNS.signIns} generated bodies against live codes, never a 5xx, and none that is refused creates a user or session`,
    LONG,
    async () => {
      const fixture = setup();
      const { t, auth } = fixture;
      // Live codes, so that generated bodies also meet the paths that charge and compare a code.
      const pool = Array.from({ length: 6 }, (_, i) => `pool${i}@example.com`);
      for (const email of pool) await auth.sendOtp(email);
      const states = carriedSnapshots(fixture);
      const body = fc.oneof(
        {
          weight: 3,
          arbitrary: bodyFor({
            email: fieldValue(emailLike(pool)),
            otp: fieldValue(fc.oneof(sixDigits, junk)),
            username: fieldValue(usernameLike),
            name: fieldValue(nameLike),
            invite: fieldValue(inviteLike),
          }),
        },
        { weight: 1, arbitrary: codeGuess(pool) },
      );
      await fc.assert(
        fc.asyncProperty(body, async (raw) => {
          const before = await states.before();
          const { answer } = await sendChecked(t, { path: SIGN_IN, body: raw });
          const after = await states.after();
          if (answer.status === 200) return; // a generated code that happens to be right (one in a million)
          expect(answer.body.token).toBeUndefined();
          const { users, profiles, markers, sessions } = after;
          expect({ users, profiles, markers, sessions }).toEqual({
            users: before.users,
            profiles: before.profiles,
            markers: before.markers,
            sessions: before.sessions,
          });
          // A code out of tries makes way for a new one (until the mailbox's budget is spent).
          if (answer.body.triesLeft === 0 || answer.body.code === "TOO_MANY_ATTEMPTS") {
            const email = emailSchema.safeParse(JSON.parse(raw).email);
            if (email.success && pool.includes(email.data)) {
              await auth.sendOtp(email.data);
              states.forget();
            }
          }
        }),
        { numRuns: RUNS.signIns },
      );
      expect(Object.keys(Object.prototype)).toEqual([]);
    },
  );

  it(
    `bodies too large, too deep, not JSON or not an object: ${RUNS.badBodies} generated, each refused by every route with the gate's answer, nothing written even with a session`,
    LONG,
    async () => {
      const fixture = setup();
      const ann = await newUser(fixture, "ann");
      const states = carriedSnapshots(fixture);
      const path = fc.constantFrom(
        ...SERVED_POST,
        "/sign-up/email",
        "/email-otp/reset-password",
        "/get-session",
        "/nowhere",
      );
      await fc.assert(
        fc.asyncProperty(path, badBody, oddBodyHeaders, async (to, body, headers) => {
          const refused = gateAnswer({ path: to, body, headers }) !== undefined;
          // A refused body carries a session, which it must not be able to touch.
          const request = { path: to, body, headers: { ...headers, ...(refused ? ann.headers : {}) } };
          const before = await states.before();
          await sendChecked(fixture.t, request);
          const after = await states.after();
          if (refused) expect(after).toEqual(before);
          else
            expect([after.users, after.profiles, after.sessions]).toEqual([
              before.users,
              before.profiles,
              before.sessions,
            ]);
        }),
        { numRuns: RUNS.badBodies },
      );
      expect(Object.keys(Object.prototype)).toEqual([]);
    },
  );

  it(
    `closed routes, closed purposes and paths that do not exist: ${RUNS.closedRoutes} generated requests, each answered 404 NOT_FOUND in JSON, nothing written or mailed`,
    LONG,
    async () => {
      const fixture = setup();
      const { t, auth } = fixture;
      await newUser(fixture, "ann");
      const states = carriedSnapshots(fixture);
      const anyPath = fc.oneof(
        closedPath,
        respelledPath(Object.keys(SERVED)),
        randomPath,
        fc.constantFrom(...Object.keys(SERVED)),
      );
      const request = fc.oneof(
        {
          weight: 5,
          arbitrary: fc
            .tuple(anyPath, oddQuery, fc.constantFrom("GET", "POST"), foreignBody)
            .map(([path, query, method, body]): FuzzRequest => ({
              method,
              path: `${path}${query}`,
              ...(method === "POST" ? { body } : {}),
            })),
        },
        {
          weight: 1,
          arbitrary: fc
            .tuple(fc.constantFrom("email-verification", "forget-password", "change-email"), someUndeclaredKeys)
            .map(([type, extra]): FuzzRequest => ({
              path: SEND,
              body: rawObject([["email", '"ann@example.com"'], ["type", JSON.stringify(type)], ...extra]),
            })),
        },
      );
      await fc.assert(
        fc.asyncProperty(request, async (generated) => {
          // `x/..` may climb out of /api/auth/, where this app serves nothing.
          fc.pre(new URL(`http://test/api/auth${generated.path}`).pathname.startsWith("/api/auth/"));
          const before = await states.before();
          const mailsBefore = auth.outbox.length;
          const { gate } = await sendChecked(t, generated);
          const after = await states.after();
          if (gate === NOT_FOUND) {
            expect(after).toEqual(before);
            expect(auth.outbox.length).toBe(mailsBefore);
          }
        }),
        { numRuns: RUNS.closedRoutes },
      );
    },
  );

  it(
    `PUT, PATCH, DELETE and OPTIONS under /api/auth/: ${RUNS.junkMethods} generated requests, each refused in JSON with a code`,
    LONG,
    async () => {
      const { t } = setup();
      const request = fc.record({
        // The other methods Convex routes to an HTTP action (it answers any other one itself).
        method: fc.constantFrom("PUT", "PATCH", "DELETE", "OPTIONS"),
        path: fc.constantFrom(...Object.keys(SERVED), "/sign-up/email", "/nowhere"),
        body: fc.option(fc.constantFrom("{}", '{"email":"ann@example.com","type":"sign-in"}'), { nil: undefined }),
      });
      await fc.assert(
        fc.asyncProperty(request, async (generated) => {
          const answer = await send(t, generated);
          expectCleanAnswer(answer);
          expect(answer.status).toBeGreaterThanOrEqual(400);
        }),
        { numRuns: RUNS.junkMethods },
      );
    },
  );

  it(
    `a right code sent with undeclared keys, bad, huge or nested fields, no or a taken username, or past the size cap is refused without burning it (${RUNS.spoiledSignIns} codes)`,
    LONG,
    async () => {
      const fixture = setup();
      await newUser(fixture, "taken");
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(spoiledSignIn(SERVED[SIGN_IN]!.keys), { minLength: 1, maxLength: 6 }),
          async (spoilings) => {
            run += 1;
            const email = `spoiled${run}@example.com`;
            const otp = await codeFor(fixture, email);
            const names = { email, otp, fresh: `fresh_${run}`, taken: "taken" };
            await expectRefusedKeepingTheCode(
              fixture,
              spoilings.map((spoiled) => spoiledSignInBody(spoiled, names)),
            );
            await expectCodeStillSignsIn(fixture, email, otp, `fresh_${run}`);
          },
        ),
        { numRuns: RUNS.spoiledSignIns },
      );
    },
  );

  it(
    `a sign-up whose name or username hides a control or format character or a lone surrogate is refused, and its code still signs in (${RUNS.hiddenSignUpFields} codes)`,
    LONG,
    async () => {
      const fixture = setup();
      const hiding = fc.oneof(
        fc.record({ name: textWithHiddenCharacters }),
        fc.record({ username: textWithHiddenCharacters }),
        fc.record({ username: textWithHiddenCharacters, name: textWithHiddenCharacters }),
      );
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(hiding, { minLength: 1, maxLength: 4 }), async (attempts) => {
          run += 1;
          const email = `hiding${run}@example.com`;
          const otp = await codeFor(fixture, email);
          const bodies = attempts.map((fields) => JSON.stringify({ email, otp, username: `fresh_${run}`, ...fields }));
          await expectRefusedKeepingTheCode(fixture, bodies);
          await expectCodeStillSignsIn(fixture, email, otp, `fresh_${run}`);
        }),
        { numRuns: RUNS.hiddenSignUpFields },
      );
    },
  );

  it(
    `a sign-up whose name shows nothing (Hangul fillers, joiners, variation selectors, spaces) is refused, and its code still signs in (${RUNS.blankNames} codes)`,
    LONG,
    async () => {
      const fixture = setup();
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(textThatShowsNothing, { minLength: 1, maxLength: 4 }), async (names) => {
          run += 1;
          const email = `blank${run}@example.com`;
          const otp = await codeFor(fixture, email);
          const bodies = names.map((name) => JSON.stringify({ email, otp, username: `fresh_${run}`, name }));
          await expectRefusedKeepingTheCode(fixture, bodies);
          await expectCodeStillSignsIn(fixture, email, otp, `fresh_${run}`);
        }),
        { numRuns: RUNS.blankNames },
      );
    },
  );

  it(
    `update-user: ${RUNS.updateUser} generated bodies with and without a session, never a 5xx; a refused one changes nothing, an accepted one only its user's name and username`,
    LONG,
    async () => {
      const fixture = setup();
      const ann = await newUser(fixture, "ann");
      await newUser(fixture, "taken");
      const states = carriedSnapshots(fixture);
      const body = bodyFor({
        name: fieldValue(nameLike),
        username: fieldValue(fc.oneof(usernameLike, fc.constant("taken"))),
      });
      const headers = fc.oneof(
        { weight: 8, arbitrary: fc.constant(ann.headers) },
        { weight: 1, arbitrary: fc.constant({}) },
        { weight: 1, arbitrary: headerJunk.map((token) => ({ authorization: `Bearer ${token}` })) },
      );
      await fc.assert(
        fc.asyncProperty(body, headers, async (raw, credentials) => {
          const before = await states.before();
          const { answer } = await sendChecked(fixture.t, { path: UPDATE_USER, body: raw, headers: credentials });
          const after = await states.after();
          if (answer.status !== 200) {
            expect(after).toEqual(before);
            return;
          }
          for (const id of changedIds(before.users, after.users)) expect(id).toBe(ann.userId);
          const unchangeable = ({ name: _, username: __, updatedAt: ___, ...rest }: any) => rest;
          expect(after.users.map(unchangeable)).toEqual(before.users.map(unchangeable));
          expect([after.codes, after.markers, after.sessions]).toEqual([before.codes, before.markers, before.sessions]);
          // The profile follows its user's username.
          const usernames = (rows: any[], id: string) => rows.map((row) => [row[id], row.username]);
          expect(usernames(after.profiles, "userId")).toEqual(usernames(after.users, "_id"));
        }),
        { numRuns: RUNS.updateUser },
      );
      expect(Object.keys(Object.prototype)).toEqual([]);
    },
  );

  it(
    `update-user stores only names a sign-up would take: readable, trimmed, at most 50 characters (${RUNS.updateUserNames} generated names)`,
    LONG,
    async () => {
      const fixture = setup();
      const ann = await newUser(fixture, "ann");
      const states = carriedSnapshots(fixture);
      const name = fc.oneof(
        textWithHiddenCharacters,
        textThatShowsNothing,
        longString.filter((text) => text.length < 5_000),
        fc.string({ unit: "grapheme", maxLength: 60 }),
      );
      await fc.assert(
        fc.asyncProperty(name, async (generated) => {
          const before = await states.before();
          const request = { path: UPDATE_USER, body: JSON.stringify({ name: generated }), headers: ann.headers };
          const { answer } = await sendChecked(fixture.t, request);
          const after = await states.after();
          if (answer.status !== 200) {
            expect(after).toEqual(before);
            return;
          }
          expectStoredTextReadable(after);
          const stored = after.users.find((user: any) => user._id === ann.userId).name;
          if (stored !== "") expect(displayName.safeParse(stored)).toEqual({ success: true, data: stored });
        }),
        { numRuns: RUNS.updateUserNames },
      );
    },
  );

  it(
    `update-user's refusals of its fields name only fields the body carries (${RUNS.updateUserIssues} generated bodies)`,
    LONG,
    async () => {
      const fixture = setup();
      const ann = await newUser(fixture, "ann");
      const fields = fc.record(
        { username: fc.oneof(usernameLike, fc.constant(null)), name: fc.string({ unit: "grapheme", maxLength: 8 }) },
        { requiredKeys: ["username"] },
      );
      await fc.assert(
        fc.asyncProperty(fields, async (body) => {
          const request = { path: UPDATE_USER, body: JSON.stringify(body), headers: ann.headers };
          const { answer } = await sendChecked(fixture.t, request);
          if (answer.body.code !== "INVALID_SIGNUP_PARAMS") return;
          const paths = answer.body.issues.map((issue: { path: string }) => issue.path);
          expect(paths.filter((path: string) => !Object.hasOwn(body, path))).toEqual([]);
        }),
        { numRuns: RUNS.updateUserIssues },
      );
    },
  );

  it(
    `session routes: ${RUNS.sessionRoutes} generated requests with real, spent, forged and junk credentials, never a 5xx, and sign-out removes at most the session it names`,
    LONG,
    async () => {
      const fixture = setup();
      const users = [await newUser(fixture, "ann"), await newUser(fixture, "bob"), await newUser(fixture, "cat")];
      const states = carriedSnapshots(fixture);
      const request = fc.oneof(
        fc
          .tuple(fc.constantFrom(...SERVED_GET), oddQuery)
          .map(([path, query]): FuzzRequest => ({ method: "GET", path: `${path}${query}` })),
        fc
          .oneof(
            { weight: 3, arbitrary: fc.constantFrom("", "{}") },
            { weight: 2, arbitrary: someUndeclaredKeys.map(rawObject) },
            { weight: 1, arbitrary: notAJsonObject },
            { weight: 1, arbitrary: deepJson },
          )
          .map((body): FuzzRequest => ({ path: SIGN_OUT, body })),
      );
      await fc.assert(
        fc.asyncProperty(request, credentials(users.map((user) => user.token)), async (generated, headers) => {
          const before = await states.before();
          const { answer } = await sendChecked(fixture.t, { ...generated, headers });
          const after = await states.after();
          const { users: u, codes, profiles, markers } = after;
          expect({ users: u, codes, profiles, markers }).toEqual({
            users: before.users,
            codes: before.codes,
            profiles: before.profiles,
            markers: before.markers,
          });
          const removed = changedIds(before.sessions, after.sessions);
          if (generated.path !== SIGN_OUT || answer.status !== 200) {
            expect(removed).toEqual([]);
            return;
          }
          const presented = Object.values(headers).join(" ");
          for (const id of removed) {
            const session = before.sessions.find((row: any) => row._id === id);
            expect(session, "sign-out added or changed a session").toBeDefined();
            expect(after.sessions.some((row: any) => row._id === id)).toBe(false);
            expect(presented).toContain(session.token);
          }
        }),
        { numRuns: RUNS.sessionRoutes },
      );
    },
  );

  it(
    `delete-user: ${RUNS.deleteUser} generated bodies, never a 5xx; a deletion removes exactly its user with profile, marker and sessions, a refusal changes nothing`,
    LONG,
    async () => {
      const fixture = setup();
      const bystander = await newUser(fixture, "bystander");
      let victims = 0;
      let victim = await newUser(fixture, `victim${victims}`);
      const states = carriedSnapshots(fixture);
      const body = fc.oneof(
        { weight: 1, arbitrary: fc.constantFrom("", "{}") },
        { weight: 6, arbitrary: bodyFor({ callbackURL: fieldValue(callbackURLLike) }) },
      );
      const who = fc.oneof(
        { weight: 3, arbitrary: fc.constant("the victim" as const) },
        { weight: 1, arbitrary: fc.constant({}) },
        { weight: 1, arbitrary: headerJunk.map((token) => ({ authorization: `Bearer ${token}` })) },
      );
      await fc.assert(
        fc.asyncProperty(body, who, async (raw, credentials) => {
          const headers = credentials === "the victim" ? victim.headers : credentials;
          const before = await states.before();
          const { answer } = await sendChecked(fixture.t, { path: DELETE_USER, body: raw, headers });
          const after = await states.after();
          if (answer.status !== 200 || credentials !== "the victim") {
            expect(after).toEqual(before); // refused, or nobody signed in to delete
            return;
          }
          const ofVictim = (rows: any[]) => rows.filter((row) => row.userId === victim.userId).map((row) => row._id);
          expect(changedIds(before.users, after.users)).toEqual([victim.userId]);
          expect(changedIds(before.profiles, after.profiles)).toEqual(ofVictim(before.profiles));
          expect(changedIds(before.markers, after.markers)).toEqual(ofVictim(before.markers));
          expect(changedIds(before.sessions, after.sessions)).toEqual(ofVictim(before.sessions).sort());
          expect(after.users.map((user: any) => user._id)).toContain(bystander.userId);
          victims += 1;
          victim = await newUser(fixture, `victim${victims}`);
          states.forget();
        }),
        { numRuns: RUNS.deleteUser },
      );
    },
  );

  it(
    `aliases of one mailbox share its resend wait: of several spellings sent in a row only the first mails a code, and that code still signs in (${RUNS.aliases} mailboxes)`,
    LONG,
    async () => {
      const fixture = setup();
      const { t, auth } = fixture;
      const mailbox = fc.record({
        domain: fc.constantFrom("example.com", "gmail.com", "googlemail.com"),
        spellings: fc.array(aliasRecipe, { minLength: 2, maxLength: 5 }),
        // Signing in costs a new user: a sample of the mailboxes is enough.
        thenSignIn: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(mailbox, async ({ domain, spellings, thenSignIn }) => {
          run += 1;
          const addresses = spellings.map((recipe) => spellAlias(`box${run}mail`, domain, recipe));
          for (const address of addresses) expect(emailSchema.safeParse(address).success, address).toBe(true);
          const mailsBefore = auth.outbox.length;
          const answers: Answer[] = [];
          for (const email of addresses) {
            answers.push(
              (await sendChecked(t, { path: SEND, body: JSON.stringify({ email, type: "sign-in" }) })).answer,
            );
          }
          expect(answers[0]!.body).toEqual({ success: true });
          for (const answer of answers.slice(1)) {
            expect([answer.status, answer.body.code]).toEqual([429, "RATE_LIMITED"]);
            expect(answer.body.retryAfter).toBeGreaterThan(0);
          }
          const first = emailSchema.parse(addresses[0]);
          expect(auth.outbox.slice(mailsBefore).map((mail) => mail.to)).toEqual([first]);
          if (thenSignIn) await expectCodeStillSignsIn(fixture, first, auth.lastOtp(first)!, `alias_${run}`);
        }),
        { numRuns: RUNS.aliases },
      );
    },
  );

  it(
    `valid generated sign-up params always make exactly one user and one profile (${RUNS.validSignUps} sign-ups)`,
    LONG,
    async () => {
      const { auth, written } = setup();
      const taken = new Set<string>();
      const params = fc
        .record({
          email: fc.emailAddress().filter((value) => emailSchema.safeParse(value).success),
          username: fc.stringMatching(/^[a-z0-9_]{3,20}$/),
          name: fc.option(fc.string({ unit: "grapheme", maxLength: 50 }), { nil: undefined }),
        })
        .filter(({ email: _, ...fields }) => signUpFields.safeParse(fields).success && readable(fields.name ?? ""));
      await fc.assert(
        fc.asyncProperty(params, async ({ email, ...fields }) => {
          // One backend for every run: each sign-up needs an address and a username of its own.
          const address = emailSchema.parse(email);
          fc.pre(!taken.has(address) && !taken.has(fields.username));
          taken.add(address).add(fields.username);
          const before = await written();
          const user = await auth.signUp({ email, ...fields });
          countRequests(3); // code, sign-in, Convex token
          const after = await written();
          const parsed = signUpFields.parse(fields);
          const added = after.users.filter((row: any) => !before.users.some((old: any) => old._id === row._id));
          expect(added).toMatchObject([{ _id: user.userId, email: address, username: parsed.username }]);
          expect(after.profiles.filter((row: any) => row.userId === user.userId)).toMatchObject([
            { username: parsed.username, displayName: parsed.name || parsed.username },
          ]);
          expect(after.markers.filter((row: any) => row.userId === user.userId)).toHaveLength(1);
          expectStoredTextReadable(after);
        }),
        { numRuns: RUNS.validSignUps },
      );
    },
  );

  it(
    `invite-only sign-ups: ${RUNS.inviteOnly} generated requests with invites right, respelled and wrong; a user only with a usable invite, a code mailed only to the admitted`,
    LONG,
    async () => {
      vi.stubEnv("OTP_SIGN_UP", "invite");
      vi.stubEnv("OTP_SIGN_UP_ALLOW", "owner@acme.test");
      const fixture = setup();
      const { t, auth } = fixture;
      const owner = await auth.signUp({ email: "owner@acme.test", username: "owner" });
      const { code } = await owner.as.mutation(api.invites.create, { uses: 1000 });
      const respelled = fc
        .tuple(fc.constantFrom("-", " ", ""), fc.boolean())
        .map(([separator, lower]) => {
          const spelled = code.replace(/-/g, separator);
          return lower ? spelled.toLowerCase() : spelled;
        });
      let people = 0;
      const body = fc
        .record({ invite: fc.oneof(respelled, inviteLike), username: fc.stringMatching(/^[a-z][a-z0-9_]{2,12}$/) })
        .map(({ invite, username }) => ({ email: `person${++people}@example.com`, invite, username }));
      await fc.assert(
        fc.asyncProperty(body, async ({ email, invite, username }) => {
          const usable = typeof invite === "string" && invite.replace(/[\s-]/g, "").toUpperCase() === code.replace(/-/g, "");
          const { answer } = await sendChecked(t, { path: SEND, body: JSON.stringify({ email, type: "sign-in", username, invite }) });
          const mailed = auth.outbox.some((mail) => mail.to === email);
          const noticed = auth.notices.some((notice) => notice.to === email);
          // A blank invite is no invite: the address is not admitted, and its mail says so.
          const blank = typeof invite === "string" && /^ *$/.test(invite);
          if (usable) expect([answer.status, mailed]).toEqual([200, true]);
          else if (blank) expect([answer.status, mailed, noticed]).toEqual([200, false, true]);
          else expect([answer.status, answer.body.code, mailed]).toEqual([400, expect.stringMatching(/^(INVITE_INVALID|INVALID_SIGNUP_PARAMS|INVALID_BODY)$/), false]);
          if (!mailed) return;
          const { answer: signedIn } = await sendChecked(t, {
            path: SIGN_IN,
            body: JSON.stringify({ email, otp: auth.lastOtp(email), username: `${username}_${people}`.slice(0, 20), invite }),
          });
          expect(signedIn.status).toBe(200);
        }),
        { numRuns: RUNS.inviteOnly },
      );
      const { users } = await fixture.written();
      const [invite] = await owner.as.query(api.invites.mine, {});
      expect(invite.used).toBe(users.length - 1);
    },
  );

  it(`sent at least ${MIN_REQUESTS} generated requests across the routes`, () => {
    const each = [...sentBy].map(([name, count]) => `${String(count).padStart(6)}  ${name.slice(0, 100)}`);
    console.log(`[fuzz] ${requestsSent} requests\n${each.join("\n")}`);
    expect(requestsSent).toBeGreaterThanOrEqual(MIN_REQUESTS);
  });
});
