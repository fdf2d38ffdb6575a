import type { AuthContext } from "@better-auth/core";
import type { Verification } from "better-auth";
import type { OtpType } from "../mail/sender.js";

/**
 * How a code is kept at rest:
 * - `"keyed-hash"`: HMAC-SHA-256 under a key derived from the Better Auth secret. An unkeyed hash of a
 *   6-digit code is reversed by trying its 10^6 values; without the secret this one is not.
 * - `"encrypted"`: Better Auth's symmetric encryption under the secret (recoverable, so a resend may
 *   reuse the code).
 */
export type OtpStorage = "keyed-hash" | "encrypted";

const encoder = new TextEncoder();
const KEY_LABEL = "convex-otp-onboarding/otp-at-rest/v1";

async function hmac(key: ArrayBuffer | Uint8Array<ArrayBuffer>, data: string) {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    key,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(data));
}

function base64Url(bytes: ArrayBuffer) {
  let binary = "";
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** HMAC-SHA-256 of the code under a key that is itself an HMAC of the secret and a fixed label. */
export async function keyedOtpHash(secret: string, otp: string): Promise<string> {
  const key = await hmac(encoder.encode(secret), KEY_LABEL);
  return base64Url(await hmac(key, otp));
}

/** The secret material Better Auth hands plugins at init (`ctx.secret` and, if rotating, `ctx.secretConfig`). */
export type SecretSource = { secret: string; secretConfig?: unknown };

/**
 * Stores codes for one auth instance; Better Auth compares a submitted code with the stored form in
 * constant time. The secret is known only once Better Auth has initialised the plugin, hence `bind`.
 */
export function createOtpStorage(storage: OtpStorage) {
  let source: SecretSource | undefined;
  const secret = () => {
    if (!source) throw new Error("convex-otp-onboarding: the OTP store was used before init");
    return source;
  };
  return {
    bind(next: SecretSource) {
      source = next;
    },
    /** The value for emailOTP's `storeOTP` option. */
    storeOTP:
      storage === "encrypted"
        ? ("encrypted" as const)
        : { hash: async (otp: string) => keyedOtpHash(secret().secret, otp) },
  };
}

/** The verification row a code is kept in, as Better Auth's emailOTP names it. */
export const otpIdentifier = (type: OtpType, email: string) => `${type}-otp-${email}`;

/** The wrong tries recorded in a stored code value, `<stored code>:<tries>` as emailOTP writes it. */
export const triesOf = (value: string) => Number(value.slice(value.lastIndexOf(":") + 1)) || 0;

/**
 * Whether a code behind `identifier` can still be used: the latest row, as Better Auth's consume
 * picks it, is not expired and has tries left. One read.
 */
export async function hasLiveCode(
  adapter: Pick<AuthContext["adapter"], "findMany">,
  identifier: string,
  allowedAttempts: number,
): Promise<boolean> {
  const [row] = await adapter.findMany<Verification>({
    model: "verification",
    where: [{ field: "identifier", value: identifier }],
    sortBy: { field: "createdAt", direction: "desc" },
    limit: 1,
  });
  return !!row && row.expiresAt >= new Date() && triesOf(row.value) < allowedAttempts;
}
