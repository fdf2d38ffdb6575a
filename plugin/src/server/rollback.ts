import type { APIError } from "better-auth/api";

/**
 * Thrown out of Better Auth to undo the request's transaction and still answer `answer`: a right
 * code was consumed before the answer was known to be a refusal (the new user's fields were
 * invalid), and the code must stay usable. The auth mutation catches it.
 */
export class RollBack extends Error {
  constructor(readonly answer: APIError) {
    super(answer.message);
    this.name = "RollBack";
  }
}
