/** A refusal of `init` with a message for the person: the app was not changed. */
export class InitError extends Error {
  override name = "InitError";
}
