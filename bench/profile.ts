/** Where a request's time goes on convex-test, from the calls counted in `calls.ts`. */
import type { Call } from "./calls.js";

/** How a call is shown: an HTTP action, a top-level transaction, a nested call, or scheduled work. */
export type Place = "HTTP action" | "top level" | "nested" | "scheduled";

export const placeOf = (call: Call): Place =>
  call.kind === "http"
    ? "HTTP action"
    : call.scheduled
      ? "scheduled"
      : call.level === "top"
        ? "top level"
        : "nested";

/** A call's own time: its code, plus getting it dispatched when that was measured. */
export const ownMs = (call: Call) => call.selfMs + (call.dispatchMs ?? 0);

/** One function's share of a request, averaged over the requests measured. */
export type FunctionTime = {
  place: Place;
  name: string;
  /** Calls per request. */
  calls: number;
  /** Own milliseconds per request (see {@link ownMs}). */
  ms: number;
  /** Own milliseconds per call. */
  perCall: number;
  /** Of that, convex-test's dispatch per call, where measured. */
  dispatchPerCall?: number;
};

/**
 * Own time per function, averaged over `runs` (the calls of one request each), largest first.
 * Scheduled work is left out: nobody waits for it.
 */
export function timeByFunction(runs: readonly Call[][]): FunctionTime[] {
  const byKey = new Map<string, { place: Place; name: string; calls: number; ms: number; dispatch: number[] }>();
  for (const call of runs.flat()) {
    const place = placeOf(call);
    if (place === "scheduled") continue;
    const key = `${place}\t${call.name}`;
    const entry = byKey.get(key) ?? { place, name: call.name, calls: 0, ms: 0, dispatch: [] };
    entry.calls += 1;
    entry.ms += ownMs(call);
    if (call.dispatchMs !== undefined) entry.dispatch.push(call.dispatchMs);
    byKey.set(key, entry);
  }
  return [...byKey.values()]
    .map(({ place, name, calls, ms, dispatch }) => ({
      place,
      name,
      calls: calls / runs.length,
      ms: ms / runs.length,
      perCall: ms / calls,
      ...(dispatch.length > 0
        ? { dispatchPerCall: dispatch.reduce((a, b) => a + b, 0) / dispatch.length }
        : {}),
    }))
    .sort((a, b) => b.ms - a.ms);
}

/** Own milliseconds per request by place (HTTP actions, top level, nested), averaged over `runs`. */
export function timeByPlace(runs: readonly Call[][]): Map<Place, { calls: number; ms: number }> {
  const totals = new Map<Place, { calls: number; ms: number }>();
  for (const row of timeByFunction(runs)) {
    const total = totals.get(row.place) ?? { calls: 0, ms: 0 };
    total.calls += row.calls;
    total.ms += row.ms;
    totals.set(row.place, total);
  }
  return totals;
}
