import { ConvexError, type Value } from "convex/values";
import { expect } from "vitest";

/** A display name one character too long for `profiles.update`: refused with a field issue. */
export const TOO_LONG_DISPLAY_NAME = "x".repeat(51);

/** What every client must receive for it: a `ConvexError` that carries the code and the issue. */
export function expectTooLongDisplayNameRefused(failure: unknown) {
  expect(failure).toBeInstanceOf(ConvexError);
  expect((failure as ConvexError<Record<string, Value>>).data).toEqual({
    code: "INVALID_SIGNUP_PARAMS",
    message: expect.any(String),
    issues: [{ path: "displayName", message: "Use at most 50 characters" }],
  });
}
