/**
 * Secrets made in the HTTP action, where `crypto.getRandomValues` is the platform's generator; a
 * Convex query or mutation only has a generator seeded per execution, so none is made there.
 */

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** `length` characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias). */
function randomString(length: number, alphabet: string): string {
  const limit = 256 - (256 % alphabet.length);
  let result = "";
  while (result.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit && result.length < length) result += alphabet[byte % alphabet.length];
    }
  }
  return result;
}

/** A one-time code of `digits` decimal digits. */
export const randomCode = (digits: number) => randomString(digits, "0123456789");

/** A session token as Better Auth makes them: 32 letters and digits. */
export const randomSessionToken = () => randomString(32, ALPHANUMERIC);
