/** Plain-text tables for the terminal, and quiet phases so that the tables stay readable. */

/** Column-aligned rows under a header; numbers are right-aligned. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, col) => Math.max(...cells.map((row) => (row[col] ?? "").length)));
  const numeric = headers.map(
    (_, col) => rows.length > 0 && rows.every((row) => typeof row[col] === "number"),
  );
  const line = (row: string[]) =>
    row
      .map((cell, col) => (numeric[col] ? cell.padStart(widths[col]) : cell.padEnd(widths[col])))
      .join("  ")
      .trimEnd();
  return [
    line(cells[0]),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...cells.slice(1).map(line),
  ].join("\n");
}

/** A heading between sections. */
export const heading = (title: string) => `\n== ${title} ==`;

/** Milliseconds with one decimal. */
export const ms = (value: number) => Number(value.toFixed(1));

/**
 * Runs `work` with `console.log`, `info` and `warn` silenced: the reference app logs each welcome
 * mail, and hundreds of those lines would bury the results. Warnings go to `onWarning`; errors
 * still print.
 */
export async function quietly<T>(
  work: () => Promise<T>,
  onWarning: (message: string) => void = () => {},
): Promise<T> {
  const { log, info, warn } = console;
  console.log = console.info = () => {};
  console.warn = (...parts: unknown[]) => onWarning(parts.map(String).join(" "));
  try {
    return await work();
  } finally {
    Object.assign(console, { log, info, warn });
  }
}
