/**
 * What the fuzz tests of the auth routes generate: bodies as the exact text an attacker would send
 * (deep nesting, huge strings, `__proto__` as an own key), addresses spelled as aliases of one
 * mailbox, and text hiding control, format and blank characters.
 * (Two dots in the name: Convex never deploys this file.)
 */
import fc from "fast-check";

/** A body key and its value, the value as JSON text: written as is, so deep nesting stays deep. */
export type Entry = readonly [key: string, json: string];

/** A JSON object written key by key, so that `__proto__` arrives as an own key and keys may repeat. */
export const rawObject = (entries: readonly Entry[]) =>
  `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(",")}}`;

/** Values of `arbitrary` as JSON text. */
export const jsonOf = (arbitrary: fc.Arbitrary<unknown>) => arbitrary.map((value) => JSON.stringify(value) ?? "null");

const codePoints = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));

/** Control characters: NUL, bell, backspace, tab, line breaks, ESC, DEL, C1 controls. */
// prettier-ignore
const CONTROL_CHARACTERS = ["\u0000", "\u0007", "\u0008", "\t", "\n", "\r", "\u001b", "\u007f", "\u0085", "\u009b"];

/**
 * Format characters: zero-width spaces and joiners, bidirectional marks, embeddings, overrides
 * (U+202E) and isolates, invisible operators, the BOM, soft hyphen, tags.
 */
// prettier-ignore
const FORMAT_CHARACTERS = [
  ...codePoints(0x200b, 0x200f),
  ...codePoints(0x202a, 0x202e),
  ...codePoints(0x2060, 0x2064),
  "\u2066",
  "\u2069",
  "\ufeff",
  "\u00ad",
  "\u061c",
  "\u180e",
  "\u{e0041}",
  "\u{1d173}",
];

/**
 * Halves of a surrogate pair on their own: no text at all (JSON carries them as `\ud800`). One text
 * takes halves of one side only: a high half just before a low one is no lone half but a valid
 * character (`\ud800\udfff` is U+103FF). Astral format characters cannot pair with them either: a
 * high half before one meets its high half, a low half after one follows its low half.
 */
const LONE_SURROGATES = { high: ["\ud800", "\udbff"], low: ["\udc00", "\udfff"] } as const;

/** One character no stored name may contain: control, format or a lone surrogate, each kind as likely. */
const hiddenCharacter = (side: keyof typeof LONE_SURROGATES) =>
  fc.oneof(
    fc.constantFrom(...CONTROL_CHARACTERS),
    fc.constantFrom(...FORMAT_CHARACTERS),
    fc.constantFrom(...LONE_SURROGATES[side]),
  );

/**
 * Characters that show nothing, though Unicode does not class them as control or format
 * characters: Hangul fillers (letters that render blank), the combining grapheme joiner,
 * variation selectors and Khmer inherent vowels (all default-ignorable).
 */
const BLANK_CHARACTERS = ["\u3164", "\u115f", "\u1160", "\uffa0", "\u034f", "\ufe0f", "\u17b4"];

/** Spaces of every width, which a name must have more than. */
const SPACES = [" ", "\u00a0", "\u2003", "\u3000", "\u2028", "\u205f"];

const visibleRun = fc
  .string({ unit: "grapheme-ascii", minLength: 1, maxLength: 4 })
  .filter((text) => text.trim() !== "");

/** Text with at least one hidden character (control, format, lone surrogate) among visible ones or alone. */
export const textWithHiddenCharacters = fc
  .constantFrom("high" as const, "low" as const)
  .chain((side) =>
    fc.tuple(
      fc.array(fc.oneof(visibleRun, hiddenCharacter(side), fc.constantFrom(...SPACES)), { maxLength: 5 }),
      hiddenCharacter(side),
      fc.nat(),
    ),
  )
  .map(([pieces, hidden, at]) => {
    const all = [...pieces];
    all.splice(at % (all.length + 1), 0, hidden);
    return all.join("");
  });

/** Text that shows nothing: blank, format and space characters only (no control characters). */
export const textThatShowsNothing = fc
  .array(fc.constantFrom(...BLANK_CHARACTERS, ...BLANK_CHARACTERS, ...SPACES, "\u200b", "\u2060"), {
    minLength: 1,
    maxLength: 6,
  })
  .map((pieces) => pieces.join(""))
  .filter((text) => text.trim() !== "");

/** One character repeated: one to four UTF-8 bytes, invisible, or one that JSON escapes. */
const repeatedCharacter = fc.constantFrom("a", "é", "€", "😀", "\u200b", "\u0000", " ", '"');

/** Strings longer than any field takes (51 to 2 000 characters) that still fit in a body. */
export const longString = fc
  .tuple(fc.integer({ min: 51, max: 2_000 }), repeatedCharacter)
  .map(([length, char]) => char.repeat(length));

/** Strings around the 16 KiB body cap, and a few far beyond it (up to 3 MB). */
export const hugeString = fc
  .tuple(
    fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 16_250, max: 16_450 }) },
      { weight: 1, arbitrary: fc.integer({ min: 16_451, max: 3_000_000 }) },
    ),
    repeatedCharacter,
  )
  .map(([length, char]) => char.repeat(length));

/** JSON text nested `depth` deep: arrays, objects or both, around a leaf. */
function nested(depth: number, shape: "array" | "object" | "mixed", leaf: string): string {
  const opens: string[] = [];
  const closes: string[] = [];
  for (let level = 0; level < depth; level++) {
    const asArray = shape === "array" || (shape === "mixed" && level % 2 === 0);
    opens.push(asArray ? "[" : '{"a":');
    closes.push(asArray ? "]" : "}");
  }
  // The innermost level needs a value inside an object; `[]` and `{}` count as a level themselves.
  const inner = leaf === "" && !opens[depth - 1]?.startsWith("[") ? "0" : leaf;
  return opens.join("") + inner + closes.reverse().join("");
}

/** JSON values nested 3 to 10 000 deep (as text), and sometimes cut short so that they are no JSON. */
export const deepJson = fc
  .record({
    depth: fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 3, max: 12 }) },
      { weight: 2, arbitrary: fc.integer({ min: 13, max: 3_000 }) },
      { weight: 1, arbitrary: fc.integer({ min: 3_001, max: 10_000 }) },
    ),
    shape: fc.constantFrom("array", "object", "mixed"),
    leaf: fc.constantFrom("", "0", '"x"', "null", "{}", "[]"),
    cut: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
  })
  .map(({ depth, shape, leaf, cut }) => {
    const text = nested(depth, shape as "array" | "object" | "mixed", leaf);
    return cut === 0 ? text : text.slice(0, -cut);
  });

/** Values of the wrong kind: control characters, lone surrogates, numbers, small nesting, long strings. */
export const junk = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  textWithHiddenCharacters,
);

/** Keys that would let a request choose its own id, role, verification or address, or reach a prototype. */
// prettier-ignore
const UNDECLARED_KEYS = [
  "userId", "id", "image", "emailVerified", "role", "banned", "createdAt", "password",
  "callbackURL", "newEmail", "email", "type", "otp", "token", "__proto__", "constructor",
  "prototype", "toString", "hasOwnProperty", "__defineSetter__", "", "Email", "username ",
];

/** A key no route takes from a client: one of those, or anything else. */
export const undeclaredKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...UNDECLARED_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/** What an undeclared key carries: small values, a `javascript:` URL, a huge image, a nested object. */
export const undeclaredValue = fc.oneof(
  { weight: 4, arbitrary: jsonOf(fc.jsonValue({ maxDepth: 1 })) },
  {
    weight: 2,
    arbitrary: jsonOf(fc.constantFrom("x", "admin", true, "javascript:alert(1)", "data:text/html,<script>")),
  },
  { weight: 1, arbitrary: jsonOf(hugeString) },
  { weight: 1, arbitrary: deepJson },
);

/** Zero to three keys a route may not take (some of them may still be declared by a given route). */
const extraEntries = fc.array(fc.tuple(undeclaredKey, undeclaredValue), { maxLength: 3 });

/**
 * An object body: some (or none) of the route's fields, each as JSON text, with extra keys before
 * or after them. The text is exactly what is sent.
 */
export function objectBody(fields: Record<string, fc.Arbitrary<string>>, extra = extraEntries) {
  return fc
    .tuple(
      fc.record(fields, { requiredKeys: [] }),
      fc.oneof({ weight: 2, arbitrary: fc.constant([] as Entry[]) }, { weight: 1, arbitrary: extra }),
      fc.boolean(),
    )
    .map(([known, extraKeys, extraFirst]) => {
      const own = Object.entries(known) as Entry[];
      return rawObject(extraFirst ? [...extraKeys, ...own] : [...own, ...extraKeys]);
    });
}

/** Texts that look like JSON objects and are not, or are JSON of another kind. */
// prettier-ignore
const NOT_JSON_OBJECTS = [
  "undefined", "NaN", "{'email':1}", '{"email":1,}', "{}x", "\ufeff{}", "{", "[", '{"a":"\\x"}',
  "0x10", "+1", ".5", '{"email"}', '{"a":1}{"b":2}', "nul", '"\\ud800"',
];

/** Text that is no JSON, or JSON that is no object. */
export const notAJsonObject = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.constantFrom(...NOT_JSON_OBJECTS),
  fc
    .jsonValue({ maxDepth: 2 })
    .filter((value) => value === null || typeof value !== "object" || Array.isArray(value))
    .map((value) => JSON.stringify(value)),
);

/** A body whose UTF-8 size lands within a few bytes of `bytes`, by padding one field with `char`. */
function bodyOfSize(bytes: number, char: string, key = "email") {
  const shell = new TextEncoder().encode(rawObject([[key, '""']])).length;
  const perChar = new TextEncoder().encode(JSON.stringify(char).slice(1, -1)).length;
  return rawObject([[key, JSON.stringify(char.repeat(Math.max(0, Math.floor((bytes - shell) / perChar))))]]);
}

/** Bodies around the 16 KiB cap, in characters of one to four bytes: either side of the limit. */
export const bodyNearTheCap = fc
  .tuple(
    fc.integer({ min: 16_370, max: 16_400 }),
    fc.constantFrom("a", "é", "€", "😀", "\u0000"),
    fc.constantFrom("email", "name", "x"),
  )
  .map(([bytes, char, key]) => bodyOfSize(bytes, char, key));

/** A field's value as JSON text: mostly from `values`, sometimes huge or nested deeper than a body may be. */
export const fieldValue = (values: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 20, arbitrary: jsonOf(values) },
    { weight: 1, arbitrary: jsonOf(hugeString) },
    { weight: 1, arbitrary: deepJson },
  );

/**
 * A whole body for a route with these fields (values as JSON text): mostly an object, with or
 * without undeclared keys; sometimes no JSON object at all, nested too deep, or around the size cap.
 */
export const bodyFor = (fields: Record<string, fc.Arbitrary<string>>) =>
  fc.oneof(
    { weight: 12, arbitrary: objectBody(fields) },
    { weight: 1, arbitrary: notAJsonObject },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: bodyNearTheCap },
  );

/**
 * How one spelling of a mailbox differs from another: a `+tag`, dots (where the provider ignores
 * them), capitals, the provider's other domain, and spaces around it.
 */
export type AliasRecipe = {
  tag: string | null;
  dots: number[];
  capitals: number[];
  otherDomain: boolean;
  padding: string;
};

export const aliasRecipe: fc.Arbitrary<AliasRecipe> = fc.record({
  tag: fc.option(fc.stringMatching(/^[a-z0-9-]{1,8}$/)),
  dots: fc.uniqueArray(fc.nat({ max: 30 }), { maxLength: 3 }),
  capitals: fc.uniqueArray(fc.nat({ max: 40 }), { maxLength: 6 }),
  otherDomain: fc.boolean(),
  padding: fc.constantFrom("", "", " ", "  ", "\t"),
});

const DOT_BLIND = new Set(["gmail.com", "googlemail.com"]);

/** `local@domain` spelled as `recipe` says: still the same mailbox (dots only where they are ignored). */
export function spellAlias(local: string, domain: string, recipe: AliasRecipe): string {
  let spelled = local;
  if (DOT_BLIND.has(domain)) {
    // One dot at most between two letters: `a..b` and a leading or trailing dot are no address.
    const gaps = new Set(recipe.dots.map((dot) => 1 + (dot % Math.max(1, local.length - 1))));
    for (const gap of [...gaps].sort((a, b) => b - a)) {
      if (gap < spelled.length) spelled = `${spelled.slice(0, gap)}.${spelled.slice(gap)}`;
    }
  }
  if (recipe.tag) spelled += `+${recipe.tag}`;
  const otherHost = domain === "gmail.com" ? "googlemail.com" : "gmail.com";
  const host = DOT_BLIND.has(domain) && recipe.otherDomain ? otherHost : domain;
  const address = [...`${spelled}@${host}`]
    .map((char, i) => (recipe.capitals.includes(i) ? char.toUpperCase() : char))
    .join("");
  return `${recipe.padding}${address}${recipe.padding}`;
}

/**
 * Ordinary addresses of the shape people have (`ann.lee+news@mail-box.example`): most of
 * `fc.emailAddress()` uses characters RFC 5322 allows but the plugin's email schema does not.
 */
export const plainEmail = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9]{1,12}([._+-][a-z0-9]{1,8}){0,2}$/),
    fc.stringMatching(/^[a-z0-9]{1,10}(-[a-z0-9]{1,5})?\.[a-z]{2,6}$/),
  )
  .map(([local, domain]) => `${local}@${domain}`);

/** Aliases of the `known` addresses: other spellings of the same mailboxes. */
export const aliasOf = (known: readonly string[]) =>
  fc.tuple(fc.constantFrom(...known), aliasRecipe).map(([email, recipe]) => {
    const [local, domain] = email.split("@") as [string, string];
    return spellAlias(local, domain, recipe);
  });

/**
 * Addresses around the limits: a local part of 60 to 68 characters (64 at most), and a domain of
 * 50-letter labels that brings the whole to 230 to 260 characters (254 at most).
 */
const emailNearTheLimits = fc
  .tuple(fc.integer({ min: 60, max: 68 }), fc.integer({ min: 230, max: 260 }))
  .map(([local, total]) => {
    const labels = `${"b".repeat(50)}.`.repeat(5).slice(0, total - local - 1 - ".com".length);
    return `${"a".repeat(local)}@${labels.replace(/\.$/, "b")}.com`;
  });

/** Emails of every kind: ordinary, around the length limits, aliases of `known`, RFC 5322 oddities, long, junk. */
export function emailLike(known: readonly string[]) {
  return fc.oneof(
    { weight: 3, arbitrary: aliasOf(known) },
    { weight: 1, arbitrary: plainEmail },
    { weight: 1, arbitrary: fc.emailAddress() },
    { weight: 1, arbitrary: emailNearTheLimits },
    { weight: 1, arbitrary: longString.map((local) => `${local}@example.com`) },
    { weight: 1, arbitrary: junk },
  );
}

/** Usernames: well-formed, wrong, or hiding characters. */
export const usernameLike = fc.oneof(
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z0-9_]{3,20}$/) },
  { weight: 1, arbitrary: textWithHiddenCharacters },
  { weight: 1, arbitrary: junk },
);

/** Invite codes as typed: well-formed guesses in any spelling, hiding characters, too long, or junk. */
export const inviteLike = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{20}$/), fc.constantFrom("-", " ", ""), fc.boolean())
      .map(([code, separator, lower]) => {
        const spelled = code.match(/.{5}/g)!.join(separator);
        return lower ? spelled.toLowerCase() : spelled;
      }),
  },
  { weight: 1, arbitrary: textWithHiddenCharacters },
  { weight: 1, arbitrary: longString },
  { weight: 1, arbitrary: junk },
);

/** Display names: ordinary, hiding characters, showing nothing, or too long. */
export const nameLike = fc.oneof(
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 50 }) },
  { weight: 2, arbitrary: textWithHiddenCharacters },
  { weight: 1, arbitrary: textThatShowsNothing },
  { weight: 1, arbitrary: longString },
  { weight: 1, arbitrary: junk },
);

/** A code's purpose: mostly sign-in, the closed ones, or junk. */
export const purposeLike = fc.oneof(
  { weight: 4, arbitrary: fc.constant("sign-in") },
  { weight: 2, arbitrary: fc.constantFrom("sign-in", "email-verification", "forget-password", "change-email") },
  { weight: 1, arbitrary: junk },
);

/** Codes of the right shape (almost never the right one). */
export const sixDigits = fc.stringMatching(/^\d{6}$/);

/**
 * A well-formed request for a sign-in code: an address (new, or an alias of one of `known`), with
 * or without sign-up fields, which may still be refused for them.
 */
export const codeRequest = (known: readonly string[]) =>
  fc
    .record(
      {
        email: fc.oneof({ weight: 3, arbitrary: plainEmail }, { weight: 1, arbitrary: aliasOf(known) }),
        type: fc.constant("sign-in"),
        username: fc.stringMatching(/^[a-z0-9_]{3,20}$/),
        name: fc.oneof(
          { weight: 3, arbitrary: fc.stringMatching(/^[A-Z][a-z]{1,12}( [A-Z][a-z]{1,12})?$/) },
          { weight: 1, arbitrary: nameLike },
        ),
      },
      { requiredKeys: ["email", "type"] },
    )
    .map((body) => JSON.stringify(body));

/**
 * A well-formed guess at the code of one of `emails` (spelled with capitals or spaces, so the same
 * address), with or without sign-up fields: what reaches the comparison of a live code.
 */
export const codeGuess = (emails: readonly string[]) =>
  fc
    .record(
      {
        email: fc
          .tuple(fc.constantFrom(...emails), fc.constantFrom("", " "), fc.boolean())
          .map(([email, padding, upper]) => `${padding}${upper ? email.toUpperCase() : email}${padding}`),
        otp: sixDigits,
        username: fc.stringMatching(/^[a-z0-9_]{3,20}$/),
        name: nameLike,
      },
      { requiredKeys: ["email", "otp"] },
    )
    .map((body) => JSON.stringify(body));

/** Header values a client may send (Latin-1, no line breaks): junk tokens and very long ones. */
export const headerJunk = fc.oneof(
  fc.stringMatching(/^[\x21-\x7e]{0,64}$/),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => "a".repeat(n)),
);

/** Zero to two undeclared keys with small values. */
export const someUndeclaredKeys = fc.oneof(
  fc.constant([] as Entry[]),
  fc.array(fc.tuple(undeclaredKey, jsonOf(fc.jsonValue({ maxDepth: 1 }))), { maxLength: 2 }),
);

// ---------------------------------------------------------------------------------------------
// Bodies the gate must judge

/**
 * Bodies the gate must refuse, mostly: nested 3 to 10 000 deep (whole, or in one field), no JSON
 * or no object, over 16 KiB (by a field or by trailing spaces); and a few it must let through
 * (empty, at the cap, an empty object).
 */
export const badBody = fc.oneof(
  { weight: 3, arbitrary: deepJson },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom("email", "otp", "name", "username", "type", "callbackURL", "x", "__proto__"), deepJson)
      .map(([key, deep]) => rawObject([[key, deep]])),
  },
  { weight: 2, arbitrary: notAJsonObject },
  { weight: 2, arbitrary: bodyNearTheCap },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("email", "name", "username", "image"), hugeString)
      .map(([key, huge]) => rawObject([[key, JSON.stringify(huge)]])),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 16_000, max: 40_000 }), fc.constantFrom(" ", "\n", "\t"))
      .map(([n, space]) => `{}${space.repeat(n)}`),
  },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "\n\t ", "{}", "{ }") },
);

/** Headers that lie about a body: its length (more than the cap, none, not a number) or its type. */
export const oddBodyHeaders = fc.oneof(
  { weight: 8, arbitrary: fc.constant({}) },
  {
    weight: 1,
    arbitrary: fc.constantFrom({ "content-length": "99999" }, { "content-length": "0" }, { "content-length": "abc" }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { "content-type": "text/plain" },
      { "content-type": "application/json; charset=utf-16" },
      { "content-type": "multipart/form-data" },
    ),
  },
);

// ---------------------------------------------------------------------------------------------
// Paths

/** Better Auth's other routes (passwords, social sign-in, session lists, admin) and the closed code routes. */
// prettier-ignore
const CLOSED_PATHS = [
  "/sign-up/email", "/sign-in/email", "/sign-in/social", "/sign-in/anonymous", "/sign-in/username",
  "/email-otp/check-verification-otp", "/email-otp/reset-password", "/email-otp/verify-email",
  "/email-otp/request-password-reset", "/forget-password/email-otp",
  "/email-otp/request-email-change", "/email-otp/change-email", "/change-email",
  "/change-password", "/set-password", "/reset-password", "/request-password-reset",
  "/verify-email", "/send-verification-email", "/list-sessions", "/revoke-session",
  "/revoke-sessions", "/revoke-other-sessions", "/update-session", "/list-accounts",
  "/link-social", "/unlink-account", "/refresh-token", "/get-access-token", "/account-info",
  "/callback/google", "/oauth2/callback/x", "/ok", "/error", "/delete-user/callback",
  "/convex/other", "/", "/.well-known/openid-configuration", "/admin/set-role",
  "/admin/impersonate-user",
];

/** A path this app does not serve. */
export const closedPath = fc.constantFrom(...CLOSED_PATHS);

/**
 * Served paths spelled as another path: capitals, a trailing or doubled slash, a percent-encoded
 * letter, a suffix; or, through `x/..`, as the same path.
 */
export const respelledPath = (served: readonly string[]) =>
  fc
    .tuple(fc.constantFrom(...served), fc.constantFrom("upper", "trailing", "double", "encoded", "suffix", "dotted"))
    .map(([path, how]) => {
      if (how === "upper") return path.toUpperCase();
      if (how === "trailing") return `${path}/`;
      if (how === "double") return path.replace("/", "//");
      if (how === "encoded") return path.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`);
      if (how === "suffix") return `${path}/x`;
      return `/x/..${path}`;
    });

/** Paths that exist nowhere: one to four random segments, some percent-encoded (NUL, `/`, U+202E). */
export const randomPath = fc
  .array(
    fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_~-]{1,12}$/),
      fc.constantFrom("email-otp", "sign-in", "convex", "%00", "%2F", "%E2%80%AE"),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((segments) => `/${segments.join("/")}`);

/** A query string, mostly none. */
export const oddQuery = fc.oneof(
  { weight: 4, arbitrary: fc.constant("") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "?type=sign-in",
      "?callbackURL=javascript:alert(1)",
      "?__proto__[x]=1",
      "?disableCookieCache=true",
      "?x=%00",
    ),
  },
);

/** Bodies that other routes take (passwords, providers, roles), or random undeclared keys. */
export const foreignBody = fc.oneof(
  fc.constantFrom(
    "{}",
    '{"email":"ann@example.com","password":"hunter2hunter2","name":"Ann"}',
    '{"email":"ann@example.com","otp":"123456","password":"hunter2hunter2"}',
    '{"email":"ann@example.com","type":"sign-in","otp":"123456"}',
    '{"provider":"google","callbackURL":"https://evil.example"}',
    '{"userId":"x","role":"admin"}',
  ),
  someUndeclaredKeys.map(rawObject),
);

// ---------------------------------------------------------------------------------------------
// Session routes

/**
 * What a request may present as its session, given real tokens: nothing, a real token, a real
 * token with junk after it, a junk token, a session cookie (unsigned), other schemes.
 */
export const credentials = (tokens: readonly string[]) => {
  const token = fc.constantFrom(...tokens);
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant({}) },
    { weight: 4, arbitrary: token.map((value) => ({ authorization: `Bearer ${value}` })) },
    {
      weight: 1,
      arbitrary: fc.tuple(token, headerJunk).map(([value, tail]) => ({ authorization: `Bearer ${value}${tail}` })),
    },
    { weight: 2, arbitrary: headerJunk.map((value) => ({ authorization: `Bearer ${value}` })) },
    {
      weight: 1,
      arbitrary: fc.oneof(token, headerJunk).map((value) => ({ cookie: `better-auth.session_token=${value}` })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { authorization: "Bearer" },
        { authorization: "Basic YTpi" },
        { authorization: "bearer  " },
      ),
    },
  );
};

/** Where to go after deleting the account: same-site, foreign, `javascript:` and `data:` URLs, or junk. */
export const callbackURLLike = fc.oneof(
  fc.constantFrom(
    "/",
    "/goodbye",
    "http://localhost:3000/bye",
    "https://evil.example/phish",
    "javascript:alert(1)",
    "data:text/html,x",
    "//evil.example",
    "",
  ),
  junk,
);

// ---------------------------------------------------------------------------------------------
// Sign-ins that carry the right code and must still be refused

/** A sign-in body with the right email and code, spoiled in one way that must be refused. */
export type SpoiledSignIn = {
  /** What is wrong with it, for the counterexample. */
  spoiled: string;
  /** `fresh`: a valid unused username; `taken`: another user's; `missing`; else the JSON text sent. */
  username: string;
  /** The name as JSON text, if any. */
  name?: string;
  /** Undeclared keys sent along. */
  extra?: Entry[];
  /** The code as a JSON number instead of a string. */
  otpAsNumber?: boolean;
  /** Spaces after the object, pushing it over the size cap. */
  padding?: number;
};

const wrongType = jsonOf(
  fc.oneof(
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 2 }),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.string(), { maxKeys: 2 }),
  ),
);
const malformedUsername = jsonOf(
  fc.oneof(
    fc.stringMatching(/^[a-z0-9_]{0,2}$/),
    fc.stringMatching(/^[a-z0-9_]{21,40}$/),
    fc.stringMatching(/^[A-Z][a-z]{3,8}$/),
    fc.constantFrom("ann lee", "ann!", "änn", "ann-lee"),
  ),
);

/**
 * Ways to spoil a sign-in that carries the right code: undeclared keys, a username or name of the
 * wrong type, malformed, huge or nested too deep, no username, a taken one, the code as a number,
 * a body padded past the cap. (`signInKeys`: the keys the route takes, never used as undeclared.)
 */
export const spoiledSignIn = (signInKeys: readonly string[]): fc.Arbitrary<SpoiledSignIn> =>
  fc.oneof(
    fc
      .array(
        fc.tuple(
          undeclaredKey.filter((key) => !signInKeys.includes(key)),
          undeclaredValue,
        ),
        {
          minLength: 1,
          maxLength: 3,
        },
      )
      .map((extra) => ({ spoiled: "undeclared keys", username: "fresh", extra })),
    fc
      .oneof(wrongType, malformedUsername, jsonOf(longString), jsonOf(hugeString), deepJson)
      .map((username) => ({ spoiled: "a bad username", username })),
    fc
      .oneof(wrongType, jsonOf(longString), jsonOf(hugeString), deepJson)
      .map((name) => ({ spoiled: "a bad name", username: "fresh", name })),
    fc.constant({ spoiled: "no username", username: "missing" }),
    fc.constant({ spoiled: "a taken username", username: "taken" }),
    fc.constant({ spoiled: "the code as a number", username: "fresh", otpAsNumber: true }),
    fc
      .integer({ min: 16_400, max: 60_000 })
      .map((padding) => ({ spoiled: "a body padded past the cap", username: "fresh", padding })),
  );

/** The text of a spoiled sign-in for `email` with its right code `otp`; `fresh` and `taken` name usernames. */
export function spoiledSignInBody(
  spoiled: SpoiledSignIn,
  { email, otp, fresh, taken }: { email: string; otp: string; fresh: string; taken: string },
): string {
  const username =
    spoiled.username === "fresh"
      ? JSON.stringify(fresh)
      : spoiled.username === "taken"
        ? JSON.stringify(taken)
        : spoiled.username;
  const entries: Entry[] = [
    ["email", JSON.stringify(email)],
    ["otp", spoiled.otpAsNumber ? String(Number(otp)) : JSON.stringify(otp)],
    ...(spoiled.username === "missing" ? [] : [["username", username] as const]),
    ...(spoiled.name === undefined ? [] : [["name", spoiled.name] as const]),
    ...(spoiled.extra ?? []),
  ];
  return rawObject(entries) + " ".repeat(spoiled.padding ?? 0);
}
