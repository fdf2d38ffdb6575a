import type { DBAdapter, DBTransactionAdapter } from "better-auth";

/**
 * Applies `wrap` to Better Auth's database adapter and to every transaction adapter it hands out:
 * Better Auth runs some writes (consuming a code) inside `transaction`, and they must be seen too.
 */
export function wrapAdapter(
  adapter: DBAdapter,
  wrap: <A extends DBTransactionAdapter>(inner: A) => A,
): DBAdapter {
  return {
    ...wrap(adapter),
    transaction: (run) => adapter.transaction((trx) => run(wrap(trx))),
  };
}
