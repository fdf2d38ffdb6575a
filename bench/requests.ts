/**
 * Where each call and read of one sign-up goes, request by request: the calls each request made
 * (function, caller) and the documents each of them read, by table, so that a reader can check that
 * every one is needed. Built on the calls counted in `calls.ts`, with `traceReads` on.
 */
import { isNested, isRequest, isTopLevelTx, type Call } from "./calls.js";
import { placeOf } from "./profile.js";
import { table } from "./report.js";

/** One request and the calls it made, in the order they started (scheduled work included). */
export type RequestCalls = { request: Call; calls: Call[] };

/** The calls of a sign-up, grouped under the request that made them. */
export function byRequest(calls: readonly Call[]): RequestCalls[] {
  const requests: RequestCalls[] = [];
  for (const call of calls) {
    if (isRequest(call)) requests.push({ request: call, calls: [] });
    else requests.at(-1)?.calls.push(call);
  }
  return requests;
}

/** `verification 3, user 1`: documents by table, most first. */
export const readsText = (reads: ReadonlyMap<string, number>) =>
  [...reads]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, count]) => `${name} ${count}`)
    .join(", ");

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** A call's function, with the operation it was asked for when it names one. */
const nameOf = (call: Call) => (call.operation ? `${call.name} (${call.operation})` : call.name);

const total = (reads: ReadonlyMap<string, number>) =>
  [...reads.values()].reduce((sum, count) => sum + count, 0);

/** Adds `reads` into `into`, by table. */
function addReads(into: Map<string, number>, reads: ReadonlyMap<string, number>) {
  for (const [name, count] of reads) into.set(name, (into.get(name) ?? 0) + count);
}

/** One top-level transaction: its own call and the nested calls inside it, with their reads. */
export type Transaction = { call: Call; nested: Call[]; reads: Map<string, number> };

/** The top-level transactions of a request, each with its nested calls and all their reads. */
export function transactionsOf(calls: readonly Call[]): Transaction[] {
  const transactions: Transaction[] = [];
  for (const call of calls) {
    if (isTopLevelTx(call)) transactions.push({ call, nested: [], reads: new Map(call.reads) });
    else if (isNested(call) && transactions.length > 0) {
      const current = transactions.at(-1)!;
      current.nested.push(call);
      addReads(current.reads, call.reads);
    }
  }
  return transactions;
}

/**
 * Transactions whose traced reads do not add up to convex-test's own count: the trace missed a
 * kind of read (or counted one twice), and the lists below are not to be trusted.
 */
export function untracedReads(calls: readonly Call[]): string[] {
  return transactionsOf(calls)
    .filter((tx) => tx.call.documentsRead !== undefined && tx.call.documentsRead !== total(tx.reads))
    .map((tx) => `${tx.call.name}: traced ${total(tx.reads)}, convex-test counted ${tx.call.documentsRead}`);
}

/**
 * One sign-up, request by request: a table of every call (indented under its caller) with the
 * caller and the documents it read itself, then one line per top-level transaction with its nested
 * calls and all the documents it read.
 */
export function requestReport(calls: readonly Call[]): string {
  const sections: string[] = [];
  for (const { request, calls: made } of byRequest(calls)) {
    const rows = made.map((call) => [
      placeOf(call),
      `${"  ".repeat(call.depth)}${call.kind} ${nameOf(call)}`,
      call.parent === request.name ? "(the request)" : (call.parent ?? ""),
      call.table,
      readsText(call.reads) || "-",
    ]);
    // A transaction without nested calls is its own row; one with them is summed up below the table.
    const transactions = transactionsOf(made)
      .filter((tx) => tx.nested.length > 0)
      .map(
        (tx) =>
          `  transaction ${nameOf(tx.call)}: ${plural(tx.nested.length, "nested call")}, ` +
          `${plural(total(tx.reads), "document")} read` +
          (tx.reads.size > 0 ? ` (${readsText(tx.reads)})` : ""),
      );
    sections.push(
      [
        `${request.kind === "http" ? "" : `${request.kind} `}${request.name}`,
        rows.length > 0
          ? table(["place", "call", "called by", "tables queried or inserted", "documents read (own)"], rows)
              .split("\n")
              .map((line) => `  ${line}`)
              .join("\n")
          : "  (no calls)",
        ...transactions,
      ].join("\n"),
    );
  }
  return sections.join("\n\n");
}

/** Documents read per sign-up by table and, within each table, by function. */
export function readsByFunction(calls: readonly Call[]): (string | number)[][] {
  const byTable = new Map<string, Map<string, number>>();
  for (const call of calls) {
    for (const [name, count] of call.reads) {
      const functions = byTable.get(name) ?? new Map<string, number>();
      functions.set(call.name, (functions.get(call.name) ?? 0) + count);
      byTable.set(name, functions);
    }
  }
  return [...byTable]
    .map(([name, functions]) => ({ name, functions, count: total(functions) }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .map(({ name, functions, count }) => [name, count, readsText(functions)]);
}
