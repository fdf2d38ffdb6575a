/** A unified line diff for the plan `init` shows, without context beyond 2 lines. */

/** The lines of `after` against `before` (`null`: a new file), as `+`/`-`/` ` lines with hunks. */
export function unifiedDiff(file: string, before: string | null, after: string): string {
  const a = before === null ? [] : before.replace(/\n$/, "").split("\n");
  const b = after.replace(/\n$/, "").split("\n");
  const header = [`--- ${before === null ? "/dev/null" : `a/${file}`}`, `+++ b/${file}`];
  const ops = lineOps(a, b);
  const CONTEXT = 2;
  const keep = ops.map((op, index) =>
    op.kind !== " " || ops.slice(Math.max(0, index - CONTEXT), index + CONTEXT + 1).some((near) => near.kind !== " "),
  );
  const out: string[] = [];
  ops.forEach((op, index) => {
    if (keep[index]) out.push(`${op.kind}${op.line}`);
    else if (keep[index - 1]) out.push("@@");
  });
  return [...header, ...out].join("\n");
}

type Op = { kind: " " | "+" | "-"; line: string };

/** The shortest edit script by longest common subsequence (files here are short). */
function lineOps(a: string[], b: string[]): Op[] {
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: " ", line: a[i]! });
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      ops.push({ kind: "+", line: b[j]! });
      j++;
    } else {
      ops.push({ kind: "-", line: a[i]! });
      i++;
    }
  }
  return ops;
}
