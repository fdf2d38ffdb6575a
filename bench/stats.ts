/** The few statistics the bench reports. */

/** The `p`-th percentile (0–100) by nearest rank: a value that was actually measured. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The median (50th percentile by nearest rank). */
export const median = (values: readonly number[]) => percentile(values, 50);

/** Median and p95 of a sample, with its size. */
export function summary(values: readonly number[]) {
  return { n: values.length, median: median(values), p95: percentile(values, 95) };
}

/** `a[i] / b[i]` for each pair measured together. */
export function pairRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error("pairRatios: samples differ in length");
  return a.map((value, i) => value / b[i]);
}
