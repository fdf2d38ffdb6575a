/**
 * The edits `init` makes to files an app already has, each through the file's syntax tree. An edit
 * either gives the new text, finds nothing to do, or, where the file has a shape it cannot edit
 * safely, changes nothing and gives the exact lines to add by hand.
 */
import { generateCode, type ProxifiedModule } from "magicast";
import { InitError } from "./errors.js";
import {
  body,
  ensureImport,
  importedAs,
  insertStatement,
  isCallOf,
  isMethodCall,
  nodes,
  parse,
  statement,
  variableOfCall,
  type Node,
} from "./syntax.js";

/** What an edit found: the new text, nothing to do, or lines for the person to add. */
export type EditResult = { text: string } | { upToDate: true } | { manual: string; lines: string };

const PACKAGE_CONVEX = "convex-otp-onboarding/convex";

/** The module printed back, or `upToDate` when that changes nothing. */
export function finish(mod: ProxifiedModule, source: string): EditResult {
  const text = generateCode(mod).code;
  const withNewline = text.endsWith("\n") ? text : `${text}\n`;
  return withNewline === source ? { upToDate: true } : { text: withNewline };
}

/** The answer for a file that does not parse: change nothing, give the lines. */
export function unparsable(lines: string): EditResult {
  return { manual: "it does not parse as TypeScript", lines };
}

/** `convex.config.ts`: the local Better Auth component and the rate limiter, used by the app. */
export function editConvexConfig(source: string): EditResult {
  const lines = [
    'import betterAuth from "./betterAuth/convex.config";',
    'import rateLimiter from "@convex-dev/rate-limiter/convex.config";',
    "app.use(betterAuth);",
    "app.use(rateLimiter);",
  ].join("\n");
  const mod = parse(source);
  if (!mod) return unparsable(lines);
  const defineApp = importedAs(mod, "convex/server", "defineApp");
  const app = defineApp && variableOfCall(mod, defineApp);
  if (!app) return { manual: "it has no `const app = defineApp()`", lines };
  const used = new Set(
    [...nodes(body(mod))]
      .filter((node) => isMethodCall(node, app, "use"))
      .map((node) => ((node["arguments"] as Node[])[0] as Node | undefined)?.["name"]),
  );
  // The component from the package becomes the local install: same name, so the same tables.
  for (const node of body(mod)) {
    const from = node["source"] as Node | undefined;
    if (node.type === "ImportDeclaration" && from?.["value"] === "@convex-dev/better-auth/convex.config") {
      from["value"] = "./betterAuth/convex.config";
    }
  }
  for (const [from, local] of [
    ["./betterAuth/convex.config", "betterAuth"],
    ["@convex-dev/rate-limiter/convex.config", "rateLimiter"],
  ] as const) {
    const name = ensureImport(mod, from, "default", local);
    if (!name) return { manual: `the name \`${local}\` is already taken in it`, lines };
    if (!used.has(name)) {
      insertStatement(mod, statement(`${app}.use(${name});`), (s) => [...nodes(s)].some((n) => isMethodCall(n, app, "use")));
      used.add(name);
    }
  }
  return finish(mod, source);
}

/** `http.ts`: the plugin's routes under `/api/auth/*`, through the auth mutation. */
export function editHttp(source: string): EditResult {
  const lines = [
    'import { registerOtpRoutes } from "convex-otp-onboarding/convex";',
    'import { internal } from "./_generated/api";',
    'import { createAuth } from "./auth";',
    "registerOtpRoutes(http, { createAuth, authRequest: internal.auth.authRequest });",
  ].join("\n");
  const mod = parse(source);
  if (!mod) return unparsable(lines);
  const registered = importedAs(mod, PACKAGE_CONVEX, "registerOtpRoutes");
  if (registered && [...nodes(body(mod))].some((node) => isCallOf(node, registered))) return { upToDate: true };
  const httpRouter = importedAs(mod, "convex/server", "httpRouter");
  const router = httpRouter && variableOfCall(mod, httpRouter);
  // Better Auth's own handler (`authComponent.registerRoutes(http, createAuth)`) keeps the routes of the
  // app's other sign-in methods: the plugin's routes go beside it, right after it.
  const isRegisterRoutes = (node: Node) =>
    isMethodCall(node, undefined, "registerRoutes") || isMethodCall(node, undefined, "registerRoutesLazy");
  const servesBetterAuth = [...nodes(body(mod))].some(isRegisterRoutes);
  const besideLines = lines.replace("authRequest: internal.auth.authRequest }", "authRequest: internal.auth.authRequest, besideRegisterRoutes: true }");
  const registerRoutes = body(mod).find(
    (s) => s.type === "ExpressionStatement" && isRegisterRoutes(s["expression"] as Node),
  );
  const routerArg = registerRoutes && ((registerRoutes["expression"] as Node)["arguments"] as Node[])[0];
  if (servesBetterAuth && (!registerRoutes || routerArg?.["name"] !== router)) {
    return {
      manual:
        "it serves Better Auth's routes with `registerRoutes`, somewhere other than a line of its own after " +
        "`const http = httpRouter()`. Add the plugin's routes beside it (they answer only the email-code flow)",
      lines: besideLines,
    };
  }
  if (!router) return { manual: "it has no `const http = httpRouter()`", lines: servesBetterAuth ? besideLines : lines };
  const register = ensureImport(mod, PACKAGE_CONVEX, "registerOtpRoutes");
  const internal = ensureImport(mod, "./_generated/api", "internal");
  const createAuth = ensureImport(mod, "./auth", "createAuth");
  if (!register || !internal || !createAuth) {
    return { manual: "one of the names `registerOtpRoutes`, `internal`, `createAuth` is taken in it", lines: servesBetterAuth ? besideLines : lines };
  }
  const options = createAuth === "createAuth" ? "createAuth" : `createAuth: ${createAuth}`;
  const beside = registerRoutes ? ", besideRegisterRoutes: true" : "";
  insertStatement(
    mod,
    statement(`${register}(${router}, { ${options}, authRequest: ${internal}.auth.authRequest${beside} });`),
    registerRoutes
      ? (s) => s === registerRoutes
      : (s) => s.type === "VariableDeclaration" && [...nodes(s)].some((n) => isCallOf(n, httpRouter)),
  );
  return finish(mod, source);
}

/** `schema.ts`: the once-marker table (`onboardings`) beside the app's own tables. */
export function editSchema(source: string): EditResult {
  const lines = ['import { onboardingTables } from "convex-otp-onboarding/convex";', "...onboardingTables, // in defineSchema({ ... })"].join("\n");
  const mod = parse(source);
  if (!mod) return unparsable(lines);
  const defineSchema = importedAs(mod, "convex/server", "defineSchema");
  const call = defineSchema && [...nodes(body(mod))].find((node) => isCallOf(node, defineSchema));
  const tables = call && ((call["arguments"] as Node[])[0] as Node | undefined);
  if (!tables || tables.type !== "ObjectExpression") {
    return { manual: "its tables are not an object literal in `defineSchema({ ... })`", lines };
  }
  const properties = tables["properties"] as Node[];
  const spread = importedAs(mod, PACKAGE_CONVEX, "onboardingTables");
  if (spread && properties.some((p) => p.type === "SpreadElement" && (p["argument"] as Node)["name"] === spread)) {
    return { upToDate: true };
  }
  const key = (p: Node) => (p["key"] as Node | undefined)?.["name"] ?? (p["key"] as Node | undefined)?.["value"];
  if (properties.some((p) => key(p) === "onboardings")) {
    throw new InitError(
      "schema.ts already has a table named `onboardings`, the name of the plugin's once-marker table. " +
        "Rename yours first. Nothing was changed.",
    );
  }
  const local = ensureImport(mod, PACKAGE_CONVEX, "onboardingTables");
  if (!local) return { manual: "the name `onboardingTables` is taken in it", lines };
  const element = ((statement(`({ ...${local} });`)["expression"] as Node)["properties"] as Node[])[0]!;
  properties.unshift(element);
  return finish(mod, source);
}

/** `auth.config.ts`: Convex trusts the JWTs Better Auth signs. */
export function editAuthConfig(source: string): EditResult {
  const lines = [
    'import { getAuthConfigProvider } from "@convex-dev/better-auth/auth-config";',
    "getAuthConfigProvider(), // in providers: [ ... ]",
  ].join("\n");
  const mod = parse(source);
  if (!mod) return unparsable(lines);
  const lists = [...nodes(body(mod))].filter(
    (node) =>
      node.type === "ObjectProperty" &&
      (node["key"] as Node)["name"] === "providers" &&
      (node["value"] as Node).type === "ArrayExpression",
  );
  if (lists.length !== 1) return { manual: "it has no single `providers: [ ... ]` list", lines };
  const providers = (lists[0]!["value"] as Node)["elements"] as Node[];
  const existing = importedAs(mod, "@convex-dev/better-auth/auth-config", "getAuthConfigProvider");
  if (existing && providers.some((p) => isCallOf(p, existing))) return { upToDate: true };
  const local = ensureImport(mod, "@convex-dev/better-auth/auth-config", "getAuthConfigProvider");
  if (!local) return { manual: "the name `getAuthConfigProvider` is taken in it", lines };
  providers.push(statement(`${local}();`)["expression"] as Node);
  return finish(mod, source);
}
