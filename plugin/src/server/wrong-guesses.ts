import type { DBAdapter, Where } from "better-auth";
import { wrapAdapter } from "./adapter-wrap.js";
import { triesOf } from "./otp-storage.js";

const identifierIn = (where: Where[]) =>
  where.find((clause) => clause.field === "identifier")?.value;

/**
 * Calls `onWrongGuess(identifier)` each time Better Auth records a wrong try at a code: it writes
 * the code back with its try count raised (a new row after consuming it on the sign-in routes, an
 * update on `check-verification-otp`). Counting there, once the code was compared, costs a sign-in
 * with the right code nothing; a missing, expired or exhausted code is never compared, so never counted.
 *
 * Wrap the adapter the creation guard returns, not the other way round: the guard gives a consumed
 * code back through its inner adapter, and that is not a guess.
 */
export function watchWrongGuesses(
  adapter: DBAdapter,
  onWrongGuess: (identifier: string) => Promise<void>,
): DBAdapter {
  const report = async (identifier: unknown, value: unknown) => {
    if (typeof identifier !== "string" || typeof value !== "string") return;
    if (triesOf(value) > 0) await onWrongGuess(identifier);
  };
  return wrapAdapter(adapter, (inner) => ({
    ...inner,
    async create(args) {
      const row = await inner.create(args);
      if (args.model === "verification") await report(args.data["identifier"], args.data["value"]);
      return row;
    },
    async update(args) {
      const row = await inner.update(args);
      if (args.model === "verification") {
        await report(identifierIn(args.where), (args.update as { value?: unknown }).value);
      }
      return row;
    },
  }));
}
