import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emailSchema } from "convex-otp-onboarding";
import { setup } from "./test.setup";
import { signUpFields } from "./signUpFields";

const SEND = "/email-otp/send-verification-otp";
const SIGN_IN = "/sign-in/email-otp";
const RUNS_PER_ROUTE = 500;

/** Values of the wrong kind: control characters, lone surrogates, unicode, numbers, nesting, huge strings. */
const junk = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.nat({ max: 200_000 }).map((n) => "x".repeat(n)),
);
const email = fc.oneof(
  fc.constantFrom("ann@example.com", " Ann@Example.COM ", "bob@example.com"),
  fc.emailAddress(),
  fc.nat({ max: 100_000 }).map((n) => `${"a".repeat(n)}@example.com`),
  junk,
);
const username = fc.oneof(fc.stringMatching(/^[a-z0-9_]{3,20}$/), junk);
const otp = fc.oneof(fc.stringMatching(/^\d{6}$/), junk);
/** Keys that must never reach a prototype, and other unexpected keys. */
const extraKeys = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      "__proto__",
      "constructor",
      "prototype",
      "toString",
      "hasOwnProperty",
      "__defineSetter__",
    ),
    fc.string({ maxLength: 12 }),
  ),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 4 },
);

/** A JSON object written key by key, so that `__proto__` arrives as an own key, as an attacker would send it. */
const rawObject = (entries: [string, unknown][]) =>
  `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(",")}}`;

/** A request body: an object with some (or none) of the route's fields and extra keys, any JSON value, or no JSON at all. */
const body = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(fc.record(fields, { requiredKeys: [] }), extraKeys, fc.boolean())
        .map(([known, extra, extraFirst]) =>
          rawObject(
            extraFirst
              ? [...Object.entries(extra), ...Object.entries(known)]
              : [...Object.entries(known), ...Object.entries(extra)],
          ),
        ),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
  );

/** Posts `raw` as the body, exactly as given. */
function postRaw(t: ReturnType<typeof setup>["t"], path: string, raw: string) {
  return t.fetch(`/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: process.env.SITE_URL! },
    body: raw,
  });
}

/** Never a 5xx; always JSON; an error always carries a string `code`. */
async function expectCleanAnswer(response: Response) {
  expect(response.status).toBeLessThan(500);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const answer = await response.json();
  if (!response.ok)
    expect(answer).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  return answer;
}

async function sessions(inAuthComponent: ReturnType<typeof setup>["inAuthComponent"]) {
  return inAuthComponent<unknown[]>((ctx) => ctx.db.query("session").collect());
}

describe("fuzzed requests", () => {
  it(
    `code requests: ${RUNS_PER_ROUTE} generated bodies, never a 5xx, never a stray write`,
    { timeout: 120_000 },
    async () => {
      const { t, auth, written } = setup();
      await fc.assert(
        fc.asyncProperty(
          body({
            email,
            type: fc.oneof(
              fc.constantFrom("sign-in", "email-verification", "forget-password", "change-email"),
              junk,
            ),
            username,
            name: junk,
          }),
          async (raw) => {
            const before = await written();
            const mailsBefore = auth.outbox.length;
            const response = await postRaw(t, SEND, raw);
            await expectCleanAnswer(response);

            const after = await written();
            expect(after.users).toEqual([]);
            expect(after.profiles).toEqual([]);
            if (response.ok) {
              // Sign-in codes always leave; Better Auth mails other purposes to registered emails only.
              expect(auth.outbox.length - mailsBefore).toBeLessThanOrEqual(1);
            } else {
              expect(auth.outbox.length).toBe(mailsBefore);
              expect(after.codes).toEqual(before.codes);
            }
            // A new code replaces the old one: never two codes for one email and purpose.
            const identifiers = after.codes.map((code: { identifier: string }) => code.identifier);
            expect(new Set(identifiers).size).toBe(identifiers.length);
          },
        ),
        { numRuns: RUNS_PER_ROUTE },
      );
      expect(Object.keys(Object.prototype)).toEqual([]);
    },
  );

  it(
    `sign-ins: ${RUNS_PER_ROUTE} generated bodies, never a 5xx, never a user or session`,
    { timeout: 120_000 },
    async () => {
      const { t, auth, written, inAuthComponent } = setup();
      // Live codes, so that generated bodies also meet the paths that compare a code.
      await auth.sendOtp("ann@example.com");
      await auth.sendOtp("bob@example.com");
      await fc.assert(
        fc.asyncProperty(body({ email, otp, username, name: junk }), async (raw) => {
          const response = await postRaw(t, SIGN_IN, raw);
          const answer = await expectCleanAnswer(response);
          if (response.ok) return; // a generated code that happens to be right (one in a million)
          expect(answer.token).toBeUndefined();
          const { users, profiles, markers } = await written();
          expect([users.length, profiles.length, markers.length]).toEqual([0, 0, 0]);
          expect(await sessions(inAuthComponent)).toEqual([]);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
      expect(Object.keys(Object.prototype)).toEqual([]);
    },
  );

  it(
    "valid generated sign-up params always make exactly one user and one profile",
    { timeout: 120_000 },
    async () => {
      const params = fc
        .record({
          email: fc.emailAddress().filter((value) => emailSchema.safeParse(value).success),
          username: fc.stringMatching(/^[a-z0-9_]{3,20}$/),
          name: fc.option(fc.string({ unit: "grapheme", maxLength: 50 }), { nil: undefined }),
        })
        .filter(({ email: _, ...fields }) => signUpFields.safeParse(fields).success);
      await fc.assert(
        fc.asyncProperty(params, async ({ email, ...fields }) => {
          const { auth, written } = setup();
          const user = await auth.signUp({ email, ...fields });
          const { users, profiles, markers } = await written();
          const parsed = signUpFields.parse(fields);
          expect(users).toMatchObject([
            { _id: user.userId, email: emailSchema.parse(email), username: parsed.username },
          ]);
          expect(profiles).toMatchObject([
            {
              userId: user.userId,
              username: parsed.username,
              displayName: parsed.name || parsed.username,
            },
          ]);
          expect(markers).toHaveLength(1);
        }),
        { numRuns: 25 },
      );
    },
  );
});
