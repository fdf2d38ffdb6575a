/**
 * The stored code: the `verification` row a code is kept in, the form it is kept in (keyed hash or
 * encrypted), whether it can still be used, and which code a send or check request is about.
 */
import type { AuthContext, HookEndpointContext } from "@better-auth/core";
import type { Verification } from "better-auth";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { constantTimeEqual, symmetricDecrypt, symmetricEncrypt } from "better-auth/crypto";
import type { OtpType } from "../mail/sender.js";
import { asRecord, emailSchema, toSignUpIssues } from "../shared/sign-up-schema.js";
import { invalidSignUpParams } from "./answers.js";
import type { LimitSubject } from "./limits.js";
import { requestSession } from "./request.js";
import { isFreshCodePurpose, type ServedRoute } from "./routes.js";

/**
 * Where a code is kept: the `verification` row Better Auth's emailOTP names `<purpose>-otp-<email>`
 * (for an email change, `<current>-<new>` stands for the email). The one place that knows it.
 */
export function codeIdentifier(purpose: OtpType, email: string, currentEmail?: string): string {
  const address = purpose === "change-email" && currentEmail ? `${currentEmail}-${email}` : email;
  return `${purpose}-otp-${address}`;
}

/** The wrong tries recorded in a stored code value, `<stored code>:<tries>` as emailOTP writes it. */
export const triesOf = (value: string) => Number(value.slice(value.lastIndexOf(":") + 1)) || 0;

/** The code's form at rest in a stored code value, without its tries. */
export const atRestOf = (value: string) => value.slice(0, value.lastIndexOf(":"));

export type CodeReader = Pick<AuthContext["adapter"], "findMany">;

/**
 * Every code kept under `identifier`, latest first, as Better Auth's check orders them (one at most:
 * a send deletes the earlier ones). Within the request, Better Auth's own look-ups of the code are
 * answered from this read (see `requestAdapter`).
 */
export function codesUnder(adapter: CodeReader, identifier: string): Promise<Verification[]> {
  return adapter.findMany<Verification>({
    model: "verification",
    where: [{ field: "identifier", value: identifier }],
    sortBy: { field: "createdAt", direction: "desc" },
  });
}

/** The latest code kept under `identifier`, as Better Auth's check picks it, or `null`. */
export async function latestCode(adapter: CodeReader, identifier: string): Promise<Verification | null> {
  const [row] = await codesUnder(adapter, identifier);
  return row ?? null;
}

/** Whether a code can still be used: it exists, has not expired and has tries left. */
export function isLive(code: Verification | null, allowedAttempts: number, now = new Date()): boolean {
  return !!code && new Date(code.expiresAt) >= now && triesOf(code.value) < allowedAttempts;
}

/** The code a request sends or checks: whose mailbox, for what, and the row it is kept in. */
export type CodeSubject = LimitSubject & { identifier: string };

/**
 * The code a send or check route is about, or `undefined` when the body names no purpose (Better
 * Auth then refuses the request itself, and nothing is spent). A malformed address answers 400
 * `INVALID_SIGNUP_PARAMS` before any code is looked at. An email change is about the new address,
 * and its code is kept under the current and the new one.
 */
export async function codeSubject(
  ctx: HookEndpointContext,
  route: ServedRoute,
  ip: string | null,
): Promise<CodeSubject | undefined> {
  const purpose: OtpType | undefined = route.codePurpose;
  if (!purpose) return undefined;
  const session = () => requestSession(ctx);
  // A fresh code goes to the signed-in account's own address; without a session nothing is spent.
  if (isFreshCodePurpose(purpose)) {
    const email = (await session())?.user.email.toLowerCase();
    return email ? { email, purpose, ip, identifier: codeIdentifier(purpose, email) } : undefined;
  }
  const body = asRecord(ctx.body);
  const field = purpose === "change-email" ? "newEmail" : "email";
  const parsed = emailSchema.safeParse(body[field]);
  if (!parsed.success) {
    throw invalidSignUpParams(toSignUpIssues(parsed.error).map((issue) => ({ ...issue, path: field })));
  }
  const email = parsed.data;
  const current =
    purpose === "change-email" ? (await session())?.user.email.toLowerCase() : undefined;
  if (purpose === "change-email" && !current) return undefined;
  return { email, purpose, ip, identifier: codeIdentifier(purpose, email, current) };
}

/** The request's body with its address (`email`, or `newEmail` for an email change) as given. */
export function withAddress(ctx: HookEndpointContext, email: string): Record<string, unknown> {
  const body = asRecord(ctx.body);
  return { ...body, [Object.hasOwn(body, "newEmail") ? "newEmail" : "email"]: email };
}

/**
 * How a code is kept at rest:
 * - `"keyed-hash"`: HMAC-SHA-256 under a key derived from the Better Auth secret. An unkeyed hash of a
 *   6-digit code is reversed by trying its 10^6 values; without the secret this one is not.
 * - `"encrypted"`: Better Auth's symmetric encryption under the secret (recoverable, so a resend may
 *   reuse the code).
 */
export type OtpStorage = "keyed-hash" | "encrypted";

const KEY_LABEL = "convex-otp-onboarding/otp-at-rest/v1";
const encoder = new TextEncoder();
const utf8 = (text: string) => encoder.encode(text);

function base64Url(bytes: Uint8Array) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * HMAC-SHA-256 of the code under a key that is itself an HMAC of the secret and a fixed label.
 * Computed in JavaScript (`@noble/hashes`, which Better Auth's own crypto already bundles): a few
 * microseconds for inputs this small, where each WebCrypto call is a round trip out of JavaScript
 * (on convex-test, to Node's thread pool: milliseconds on a busy machine).
 */
export async function keyedOtpHash(secret: string, otp: string): Promise<string> {
  const key = hmac(sha256, utf8(secret), utf8(KEY_LABEL));
  return base64Url(hmac(sha256, key, utf8(otp)));
}

/** The secret material Better Auth hands plugins at init (`ctx.secret` and, if rotating, `ctx.secretConfig`). */
export type SecretSource = { secret: string; secretConfig?: unknown };

/**
 * Stores codes for one auth instance; Better Auth compares a submitted code with the stored form in
 * constant time. The secret is known only once Better Auth has initialised the plugin, hence `bind`.
 * `onStore` hears the form of each code emailOTP is about to store (and, for a keyed hash, of each
 * code it compares), so that a send knows which row is its own.
 */
export function createOtpStorage(storage: OtpStorage, onStore: (atRest: string) => void = () => {}) {
  let source: SecretSource | undefined;
  const secret = () => {
    if (!source) throw new Error("convex-otp-onboarding: the OTP store was used before init");
    return source;
  };
  const key = () => (secret().secretConfig ?? secret().secret) as Parameters<typeof symmetricEncrypt>[0]["key"];
  /** The form a code is kept in. */
  const atRest = async (otp: string): Promise<string> =>
    storage === "encrypted" ? symmetricEncrypt({ key: key(), data: otp }) : keyedOtpHash(secret().secret, otp);
  const store = async (otp: string) => {
    const stored = await atRest(otp);
    onStore(stored);
    return stored;
  };
  return {
    bind(next: SecretSource) {
      source = next;
    },
    atRest,
    /** Whether `given` is the code kept at rest as `stored`, compared in constant time. */
    async matches(stored: string, given: string) {
      if (storage === "encrypted") return constantTimeEqual(await symmetricDecrypt({ key: key(), data: stored }), given);
      return constantTimeEqual(await atRest(given), stored);
    },
    /** The value for emailOTP's `storeOTP` option. */
    storeOTP:
      storage === "encrypted"
        ? { encrypt: store, decrypt: (stored: string) => symmetricDecrypt({ key: key(), data: stored }) }
        : { hash: store },
  };
}

export type OtpStore = ReturnType<typeof createOtpStorage>;
