/**
 * The static check that every database query reads through an index: each `db.query("table")`
 * chain must call `.withIndex(...)` (or `.withSearchIndex`) before it reads, and never `.filter(...)`,
 * which scans. A query the check cannot follow to its read in one expression fails too. Only code
 * that is deployed is checked: tests may scan their small tables.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, relative, sep } from "node:path";
import ts from "typescript";

/** A query that does not use an index, where it is. */
export type UnindexedQuery = { file: string; line: number; code: string; problem: string };

const READS = new Set(["collect", "first", "unique", "take", "paginate"]);
const INDEXES = new Set(["withIndex", "withSearchIndex"]);

/** Whether `call` is `<db>.query(...)`: a table named by a string, or a receiver called `db`. */
function isDbQuery(
  call: ts.CallExpression,
): call is ts.CallExpression & { expression: ts.PropertyAccessExpression } {
  if (!ts.isPropertyAccessExpression(call.expression) || call.expression.name.text !== "query")
    return false;
  const [table] = call.arguments;
  const receiver = call.expression.expression;
  const receiverName = ts.isPropertyAccessExpression(receiver)
    ? receiver.name.text
    : ts.isIdentifier(receiver)
      ? receiver.text
      : undefined;
  return (table !== undefined && ts.isStringLiteralLike(table)) || receiverName === "db";
}

/** The methods called on the query, in order: `["withIndex", "unique"]`. */
function chainOf(query: ts.CallExpression): { methods: string[]; end: ts.Node } {
  const methods: string[] = [];
  let node: ts.Node = query;
  while (
    ts.isPropertyAccessExpression(node.parent) &&
    node.parent.expression === node &&
    ts.isCallExpression(node.parent.parent) &&
    node.parent.parent.expression === node.parent
  ) {
    methods.push(node.parent.name.text);
    node = node.parent.parent;
  }
  return { methods, end: node };
}

/** Checks one source file; returns how many queries it has and those without an index. */
export function checkSource(file: string, text: string) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const unindexed: UnindexedQuery[] = [];
  let queries = 0;
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && isDbQuery(node)) {
      queries += 1;
      const { methods, end } = chainOf(node);
      const read = methods.findIndex((method) => READS.has(method));
      const indexed = methods.findIndex((method) => INDEXES.has(method));
      const problem =
        read === -1
          ? "the query is not read in the same expression, so its index cannot be checked"
          : indexed === -1 || indexed > read
            ? "no .withIndex() before the read"
            : methods.includes("filter")
              ? ".filter() scans the rows that the index returns"
              : undefined;
      if (problem) {
        const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        const code = end.getText().replace(/\s+/g, " ").slice(0, 100);
        unindexed.push({ file, line, code, problem });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { queries, unindexed };
}

// The plugin's convex-test kit runs in tests only, never in a deployment.
const isTestOnly = (file: string) => file === "plugin/src/test.ts" || file.startsWith("plugin/src/test/");

/**
 * Whether Convex would deploy `file` (relative to the repository): the CLI skips `_generated/`,
 * and files whose name has more than one dot (`*.test.ts`, `test.setup.ts`, `auth.config.ts`).
 */
function isDeployed(file: string) {
  const base = basename(file);
  return (
    /\.(ts|tsx|js|mjs)$/.test(base) &&
    (base.match(/\./g) ?? []).length === 1 &&
    !file.split(sep).includes("_generated") &&
    !isTestOnly(file.split(sep).join("/"))
  );
}

/** Checks every deployed source file under `dirs` (relative to `root`). */
export function checkIndexes(root: string, dirs: string[]) {
  let files = 0;
  let queries = 0;
  const unindexed: UnindexedQuery[] = [];
  for (const dir of dirs) {
    for (const file of readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })) {
      const path = join(root, dir, file);
      if (!isDeployed(relative(root, path))) continue;
      const result = checkSource(relative(root, path), readFileSync(path, "utf8"));
      files += 1;
      queries += result.queries;
      unindexed.push(...result.unindexed);
    }
  }
  return { files, queries, unindexed };
}

// A check that cannot fail proves nothing: the runner feeds it these and expects each flagged.
/** Queries the check must reject. */
export const KNOWN_UNINDEXED = [
  `ctx.db.query("users").collect()`,
  `ctx.db.query("users").filter((q) => q.eq(q.field("email"), email)).first()`,
  `ctx.db.query("users").withIndex("by_email", (q) => q.eq("email", email)).filter((q) => q.eq(q.field("a"), 1)).unique()`,
  `const q = ctx.db.query("users"); await q.first();`,
];
