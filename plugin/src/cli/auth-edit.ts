/**
 * `init`'s edit of an `auth.ts` the app already has. The shape `@convex-dev/better-auth` documents
 * (`authComponent = createClient(components.betterAuth)` and `createAuth = (ctx) => betterAuth({...})`,
 * or its `createAuthOptions`) gets the plugin through its syntax tree: the local component's schema
 * and the onboarding triggers on the client, `otpOnboarding` in the plugins, the options as
 * `createAuthOptions` (which the component's schema generator reads), and the auth mutation. Any
 * other shape is left alone, with the plugin's `auth.ts` to follow by hand.
 */
import { InitError } from "./errors.js";
import { finish, unparsable, type EditResult } from "./edits.js";
import { body, ensureImport, importedAs, isBound, isCallOf, parse, statement, type Node } from "./syntax.js";

/** A top-level `const <name> = <init>`, exported or not, with the statement that holds it. */
type Declared = { statement: Node; init: Node };

function declared(program: Node[], name: string): Declared | undefined {
  for (const node of program) {
    const declaration = node.type === "ExportNamedDeclaration" ? (node["declaration"] as Node | null) : node;
    if (declaration?.type !== "VariableDeclaration") continue;
    for (const declarator of declaration["declarations"] as Node[]) {
      const id = declarator["id"] as Node;
      if (id.type === "Identifier" && id["name"] === name && declarator["init"]) {
        return { statement: node, init: declarator["init"] as Node };
      }
    }
  }
  return undefined;
}

/** The top-level `const <name> = <callee>(...)`, if there is exactly one. */
function declaredCall(program: Node[], callee: string): (Declared & { name: string }) | undefined {
  const found = program.flatMap((node) => {
    const declaration = node.type === "ExportNamedDeclaration" ? (node["declaration"] as Node | null) : node;
    if (declaration?.type !== "VariableDeclaration") return [];
    return (declaration["declarations"] as Node[])
      .filter((d) => (d["id"] as Node).type === "Identifier" && d["init"] && isCallOf(d["init"] as Node, callee))
      .map((d) => ({ statement: node, init: d["init"] as Node, name: (d["id"] as Node)["name"] as string }));
  });
  return found.length === 1 ? found[0] : undefined;
}

/** What an arrow function returns: its expression body, or the one `return` of its block. */
function returned(arrow: Node): Node | undefined {
  const fnBody = arrow["body"] as Node;
  if (fnBody.type !== "BlockStatement") return fnBody;
  const statements = fnBody["body"] as Node[];
  const last = statements.at(-1);
  return statements.length === 1 && last?.type === "ReturnStatement" ? ((last["argument"] as Node | null) ?? undefined) : undefined;
}

/** The object literal under parentheses, `satisfies` and `as`. */
function objectLiteral(node: Node | undefined): Node | undefined {
  let inner = node;
  while (inner && ["ParenthesizedExpression", "TSSatisfiesExpression", "TSAsExpression"].includes(inner.type)) {
    inner = inner["expression"] as Node;
  }
  return inner?.type === "ObjectExpression" ? inner : undefined;
}

/** The single parameter `(ctx: ...)` of an arrow function, or `undefined`. */
function ctxParam(arrow: Node): Node | undefined {
  const params = arrow["params"] as Node[];
  return params.length === 1 && params[0]!.type === "Identifier" ? params[0] : undefined;
}

/** `key: value` in an object literal, shorthand when they are the same name. */
const field = (key: string, value: string) => (key === value ? key : `${key}: ${value}`);
const isArrow = (node: Node | undefined): node is Node => node?.type === "ArrowFunctionExpression";
const keyOf = (property: Node) => (property["key"] as Node | undefined)?.["name"] ?? (property["key"] as Node | undefined)?.["value"];
const propertyOf = (object: Node, key: string) => (object["properties"] as Node[]).find((p) => p.type === "ObjectProperty" && keyOf(p) === key);
/** The expression `code` parses to (as a declaration's value: no parentheses around it). */
const expression = (code: string) => ((statement(`const value = ${code};`)["declarations"] as Node[])[0]!["init"] as Node);

/** Inserts `node` right before (`offset` 0) or after (1) `anchor` among the program's statements. */
function insertBy(program: Node[], anchor: Node, node: Node, offset: 0 | 1) {
  program.splice(program.indexOf(anchor) + offset, 0, node);
}

/** `import type { name } from "from"` after the last import, unless the module imports it already. */
function ensureTypeImport(mod: Parameters<typeof importedAs>[0], program: Node[], from: string, name: string): boolean {
  if (importedAs(mod, from, name)) return true;
  if (isBound(mod, name)) return false;
  const lastImport = program.findLastIndex((node) => node.type === "ImportDeclaration");
  program.splice(lastImport + 1, 0, statement(`import type { ${name} } from "${from}";`));
  return true;
}

/**
 * `auth.ts`: nothing to do once it uses `otpOnboarding`; a refusal when it has Better Auth's own
 * `emailOTP` (the plugin configures it); the plugin added when it has the documented shape;
 * otherwise the plugin's `auth.ts` (`template`) to follow by hand.
 */
export function editAuth(source: string, file: string, template: string): EditResult {
  const mod = parse(source);
  if (!mod) return unparsable(template);
  if (Object.values(mod.imports).some((item) => item.imported === "emailOTP")) {
    throw new InitError(
      `${file} already uses Better Auth's emailOTP plugin. otpOnboarding configures emailOTP itself, so ` +
        "the two cannot be combined: remove emailOTP (and its sendVerificationOTP) from your Better Auth " +
        "options, then run init again. Nothing was changed.",
    );
  }
  if (importedAs(mod, "convex-otp-onboarding", "otpOnboarding")) return { upToDate: true };
  const manual = (why: string): EditResult => ({
    manual:
      `${why}, a shape init does not rewrite. Add the plugin to your Better Auth options as below: the local ` +
      "schema and the triggers to createClient, otpOnboarding to plugins, and the exports (createAuthOptions, " +
      "the triggers, authRequest)",
    lines: template,
  });
  const program = body(mod);

  // The client: `createClient<DataModel>(components.betterAuth)`, with no options of the kind init adds.
  const createClient = importedAs(mod, "@convex-dev/better-auth", "createClient");
  const client = createClient && declaredCall(program, createClient);
  if (!client) return manual("it has no single `const authComponent = createClient(...)`");
  const clientArgs = client.init["arguments"] as Node[];
  const typeArgs = ((client.init["typeParameters"] as Node | undefined)?.["params"] as Node[] | undefined) ?? [];
  const clientOptions = clientArgs[1];
  if (
    clientArgs.length > 2 ||
    typeArgs.length !== 1 ||
    (clientOptions && (clientOptions.type !== "ObjectExpression" || ["local", "authFunctions", "triggers"].some((key) => propertyOf(clientOptions, key))))
  ) {
    return manual("its `createClient(...)` is not `createClient<DataModel>(components.betterAuth)`");
  }

  // The options: `createAuth = (ctx) => betterAuth({...})`, or `createAuthOptions = (ctx) => ({...})`.
  const betterAuthFrom = ["better-auth/minimal", "better-auth"].find((from) => importedAs(mod, from, "betterAuth"));
  const betterAuth = betterAuthFrom && importedAs(mod, betterAuthFrom, "betterAuth")!;
  const createAuth = declared(program, "createAuth");
  const existingOptions = declared(program, "createAuthOptions");
  if (!betterAuth || !createAuth || !isArrow(createAuth.init) || !ctxParam(createAuth.init)) {
    return manual("it has no `const createAuth = (ctx) => betterAuth(...)`");
  }
  const made = returned(createAuth.init);
  const madeFrom = made && isCallOf(made, betterAuth) ? ((made["arguments"] as Node[])[0] as Node | undefined) : undefined;
  const options = existingOptions
    ? isArrow(existingOptions.init) && ctxParam(existingOptions.init) && objectLiteral(returned(existingOptions.init))
    : objectLiteral(madeFrom);
  if (!options || (existingOptions && !(madeFrom && isCallOf(madeFrom, "createAuthOptions")))) {
    return manual("its `createAuth` does not pass an object of options to betterAuth(...)");
  }
  const plugins = propertyOf(options, "plugins");
  if (plugins && (plugins["value"] as Node).type !== "ArrayExpression") return manual("its `plugins` are not an array literal");

  const added = ["authFunctions", "onCreate", "onUpdate", "onDelete", "authRequest", ...(existingOptions ? [] : ["createAuthOptions"])];
  const taken = added.find((name) => isBound(mod, name));
  if (taken) return manual(`the name \`${taken}\` is already taken in it`);
  // Type imports first, beside the app's own imports (magicast appends the others after them).
  const types = [["@convex-dev/better-auth", "AuthFunctions"], ...(existingOptions ? [] : [[betterAuthFrom, "BetterAuthOptions"]])];
  const typeTaken = types.find(([from, name]) => !ensureTypeImport(mod, program, from!, name!))?.[1];
  if (typeTaken) return manual(`the name \`${typeTaken}\` is already taken in it`);
  const names = {
    otpOnboarding: ensureImport(mod, "convex-otp-onboarding", "otpOnboarding"),
    authRequestMutation: ensureImport(mod, "convex-otp-onboarding/convex", "authRequestMutation"),
    components: ensureImport(mod, "./_generated/api", "components"),
    internal: ensureImport(mod, "./_generated/api", "internal"),
    authSchema: ensureImport(mod, "./betterAuth/schema", "default", "authSchema"),
    sender: ensureImport(mod, "./mailer", "sender"),
    onboarding: ensureImport(mod, "./onboarding", "onboarding"),
    signUpFields: ensureImport(mod, "./signUpFields", "signUpFields"),
  };
  const missing = Object.entries(names).find(([, local]) => !local);
  if (missing) return manual(`the name \`${missing[0]}\` is already taken in it`);
  const n = names as Record<keyof typeof names, string>;

  // The client: the local component's schema, and the onboarding triggers.
  const schemaType = ((statement(`f<A, typeof ${n.authSchema}>();`)["expression"] as Node)["typeParameters"] as Node)["params"] as Node[];
  typeArgs.push(schemaType[1]!);
  const clientAdds = expression(
    `{ local: { schema: ${n.authSchema} }, authFunctions, triggers: { user: { onCreate: ${n.onboarding}.onCreate, ` +
      `onUpdate: ${n.onboarding}.onUpdate, onDelete: ${n.onboarding}.onDelete } } }`,
  );
  if (clientOptions) (clientOptions["properties"] as Node[]).push(...(clientAdds["properties"] as Node[]));
  else clientArgs.push(clientAdds);
  insertBy(program, client.statement, statement(`export const authFunctions: AuthFunctions = ${n.internal}.auth;`), 0);
  insertBy(program, client.statement, statement(`export const { onCreate, onUpdate, onDelete } = ${client.name}.triggersApi();`), 1);

  // The plugin, after the app's own.
  const ctx = ctxParam(existingOptions?.init ?? createAuth.init)!["name"] as string;
  const plugin = expression(
    `${n.otpOnboarding}({ ${field("ctx", ctx)}, ${field("fields", n.signUpFields)}, ${field("sender", n.sender)}, rateLimiter: ${n.components}.rateLimiter })`,
  );
  if (plugins) ((plugins["value"] as Node)["elements"] as Node[]).push(plugin);
  else {
    const property = (expression(`{ plugins: [] }`)["properties"] as Node[])[0]!;
    ((property["value"] as Node)["elements"] as Node[]).push(plugin);
    (options["properties"] as Node[]).push(property);
  }

  // The options become `createAuthOptions`, which the component's schema generator and adapter read.
  if (!existingOptions) {
    // The same parameter, `(ctx: GenericCtx<DataModel>)`, as the app wrote it.
    const param = ctxParam(createAuth.init)!;
    const paramText = source.slice(param["start"] as number, param["end"] as number);
    const split = statement(`export const createAuthOptions = (${paramText}) => ({}) satisfies BetterAuthOptions;`);
    const arrow = ((split["declaration"] as Node)["declarations"] as Node[])[0]!["init"] as Node;
    // In parentheses: an arrow's body that starts with `{` would be a block.
    options["extra"] = { ...(options["extra"] as object | undefined), parenthesized: true };
    (arrow["body"] as Node)["expression"] = options;
    insertBy(program, createAuth.statement, split, 0);
    const call = expression(`${betterAuth}(createAuthOptions(${ctx}))`);
    createAuth.init["body"] = call;
  }
  insertBy(program, createAuth.statement, statement(`export const authRequest = ${n.authRequestMutation}(createAuth);`), 1);
  return finish(mod, source);
}
