/**
 * Small helpers over the syntax trees `init` edits with magicast (Babel's AST, printed back by
 * recast so that untouched code keeps its formatting).
 */
import { parseModule, type ProxifiedModule } from "magicast";

/** A Babel AST node, seen through the few fields `init` reads. */
export type Node = {
  type: string;
  [field: string]: unknown;
};

const isNode = (value: unknown): value is Node =>
  typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";

/** Every node under `root`, depth first. */
export function* nodes(root: unknown): Generator<Node> {
  if (Array.isArray(root)) {
    for (const item of root) yield* nodes(item);
    return;
  }
  if (!isNode(root)) return;
  yield root;
  for (const [key, value] of Object.entries(root)) {
    if (key === "loc" || key === "comments" || key === "leadingComments" || key === "trailingComments") continue;
    if (typeof value === "object" && value !== null) yield* nodes(value);
  }
}

/** The module, or `null` when it does not parse. */
export function parse(source: string): ProxifiedModule | null {
  try {
    return parseModule(source);
  } catch {
    return null;
  }
}

/** The program's statements. */
export const body = (mod: ProxifiedModule) => (mod.$ast as unknown as { body: Node[] }).body;

/**
 * The statement `code` parses to, without its source positions: recast then prints it as new code
 * rather than reusing text from the snippet it came from.
 */
export function statement(code: string): Node {
  const node = body(parseModule(code))[0]!;
  for (const inner of nodes(node)) {
    for (const key of ["loc", "start", "end"]) if (Object.getOwnPropertyDescriptor(inner, key)?.configurable) delete inner[key];
  }
  return node;
}

/** The local name under which `imported` (`"default"` for a default import) comes from `from`. */
export function importedAs(mod: ProxifiedModule, from: string, imported: string): string | undefined {
  return Object.values(mod.imports).find((item) => item.from === from && item.imported === imported)?.local;
}

/** Whether a top-level binding or import already uses `name`. */
export function isBound(mod: ProxifiedModule, name: string): boolean {
  if (name in mod.imports) return true;
  return body(mod).some((node) =>
    [...nodes(node)].some(
      (inner) =>
        (inner.type === "VariableDeclarator" || inner.type === "FunctionDeclaration" || inner.type === "ClassDeclaration") &&
        (inner["id"] as Node | undefined)?.["name"] === name,
    ),
  );
}

/**
 * The local name of `imported` from `from`, adding `import { imported } from "from"` (or the default
 * import named `local`) when the module has none; `null` when `local` is taken by something else.
 */
export function ensureImport(mod: ProxifiedModule, from: string, imported: string, local = imported): string | null {
  const existing = importedAs(mod, from, imported);
  if (existing) return existing;
  if (isBound(mod, local)) return null;
  mod.imports.$append({ from, imported, local });
  return local;
}

/** A call `callee(...)` whose callee is the identifier `name`. */
export const isCallOf = (node: Node, name: string) =>
  node.type === "CallExpression" && (node["callee"] as Node)["type"] === "Identifier" && (node["callee"] as Node)["name"] === name;

/** A call `object.method(...)`, `object` an identifier. */
export const isMethodCall = (node: Node, object: string | undefined, method: string) => {
  if (node.type !== "CallExpression") return false;
  const callee = node["callee"] as Node;
  if (callee.type !== "MemberExpression") return false;
  const target = callee["object"] as Node;
  const property = callee["property"] as Node;
  return (
    property["name"] === method && (object === undefined || (target.type === "Identifier" && target["name"] === object))
  );
};

/** The name of the top-level `const <name> = <callee>(...)`, if the module has one. */
export function variableOfCall(mod: ProxifiedModule, callee: string): string | undefined {
  for (const node of body(mod)) {
    if (node.type !== "VariableDeclaration") continue;
    for (const declarator of node["declarations"] as Node[]) {
      const init = declarator["init"] as Node | null;
      if (init && isCallOf(init, callee) && (declarator["id"] as Node).type === "Identifier") {
        return (declarator["id"] as Node)["name"] as string;
      }
    }
  }
  return undefined;
}

/** Inserts `node` after the last top-level statement that `after` accepts (else before `export default`). */
export function insertStatement(mod: ProxifiedModule, node: Node, after: (statement: Node) => boolean) {
  const statements = body(mod);
  const last = statements.findLastIndex(after);
  const index = last >= 0 ? last + 1 : statements.findIndex((s) => s.type === "ExportDefaultDeclaration");
  statements.splice(index >= 0 ? index : statements.length, 0, node);
}
