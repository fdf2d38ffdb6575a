import { symmetricDecrypt, symmetricEncrypt } from "better-auth/crypto";

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
  const key = () => (secret().secretConfig ?? secret().secret) as Parameters<typeof symmetricEncrypt>[0]["key"];
  /** The form a code is kept in. */
  const atRest = async (otp: string): Promise<string> =>
    storage === "encrypted" ? symmetricEncrypt({ key: key(), data: otp }) : keyedOtpHash(secret().secret, otp);
  return {
    bind(next: SecretSource) {
      source = next;
    },
    atRest,
    /** The value for emailOTP's `storeOTP` option. */
    storeOTP:
      storage === "encrypted"
        ? { encrypt: atRest, decrypt: (stored: string) => symmetricDecrypt({ key: key(), data: stored }) }
        : { hash: atRest },
  };
}

export type OtpStore = ReturnType<typeof createOtpStorage>;
