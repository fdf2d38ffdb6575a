import type { SignUpFields } from "../../convex/signUpFields";

/** What a sign-in answers about its user: enough to tell whether the account was made just now. */
export type SignedInUser = { username?: string | null; name: string; createdAt: Date | string | number };

// The browser's clock and the server's may differ a little; an account older than this is not new.
const CLOCK_SLACK_MS = 2 * 60_000;

/**
 * The notice for "Create account" with an email that already had an account: a right code for an
 * existing account signs in to it and ignores the sign-up fields, so say so. `undefined` when the
 * account is the one just created. `startedAt` is when the sign-in was sent, on this browser's clock.
 */
export function existingAccountNotice(
  typed: SignUpFields,
  user: SignedInUser,
  startedAt: number,
): string | undefined {
  const fieldsDropped =
    user.username !== typed.username || (typed.name !== undefined && user.name !== typed.name);
  const createdBefore = new Date(user.createdAt).getTime() < startedAt - CLOCK_SLACK_MS;
  if (fieldsDropped) {
    return (
      "This email already had an account, so you were signed in to it. " +
      "The username and display name you typed were not used."
    );
  }
  return createdBefore ? "This email already had an account, so you were signed in to it." : undefined;
}
