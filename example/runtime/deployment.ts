import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { convexTest } from "convex-test";
import type { AuthConfig, HttpRouter } from "convex/server";
import { registerRateLimiter } from "convex-otp-onboarding/test";
import { modulesOf, modulesUnder, type ModuleMap } from "./modules.js";

/** What a Convex function export carries once registered (`query(...)`, `internalMutation(...)`, ...). */
type RegisteredFunction = {
  isQuery?: boolean;
  isMutation?: boolean;
  isAction?: boolean;
  isPublic?: boolean;
};

/** The kinds of functions a client may call. */
export type FunctionKind = "query" | "mutation" | "action";

const KIND_NAMES: Record<FunctionKind, string> = {
  query: "Query",
  mutation: "Mutation",
  action: "Action",
};

/** A function the caller may not run, with the message a Convex deployment gives for it. */
export class FunctionNotFound extends Error {}

/**
 * The app's Convex functions hosted in this process on convex-test: one database in memory, the
 * app's schema and every local component (a folder of `convex/` with its own `convex.config.ts`)
 * registered under its folder's name.
 */
export async function loadDeployment(convexDir: string) {
  const modules = modulesOf(convexDir);
  const load = async (file: string) => {
    const module = modules[`./${file}`];
    return module ? await module() : undefined;
  };

  const schema = (await load("schema.ts"))?.default;
  const t = convexTest(schema, modules);
  const components = localComponents(convexDir);
  for (const name of components) {
    const componentSchema = (await load(`${name}/schema.ts`))?.default;
    t.registerComponent(name, componentSchema, modulesUnder(modules, name));
  }
  // The one component installed from npm (`app.use(rateLimiter)`): the plugin's limits.
  registerRateLimiter(t);

  const authConfig: AuthConfig = (await load("auth.config.ts"))?.default ?? { providers: [] };
  const httpRouter: HttpRouter | undefined = (await load("http.ts"))?.default;

  /**
   * The public function at `path` (`"profiles:me"`, `"dir/file:name"`, `"file"` for a default
   * export) if it is of `kind`; throws what Convex answers otherwise. Internal functions, and a
   * component's functions (`betterAuth/adapter:findMany`), are not callable from clients, exactly
   * as on a deployment: only the app's own functions are.
   */
  async function publicFunction(functionPath: string, kind: FunctionKind) {
    const [file = "", exportName = "default"] = functionPath.replace(/\.js(?=:|$)/, "").split(":");
    const inComponent = components.some((name) => file.startsWith(`${name}/`));
    const module = inComponent ? undefined : await moduleAt(modules, file);
    const fn = module?.[exportName] as RegisteredFunction | undefined;
    if (!fn || !fn.isPublic) {
      throw new FunctionNotFound(
        `Could not find public function for '${functionPath}'. Did you forget to run \`npx convex dev\` or \`npx convex deploy\`?`,
      );
    }
    const actual: FunctionKind = fn.isQuery ? "query" : fn.isMutation ? "mutation" : "action";
    if (actual !== kind) {
      throw new FunctionNotFound(
        `Trying to execute ${functionPath} as ${KIND_NAMES[kind]}, but it is defined as ${KIND_NAMES[actual]}.`,
      );
    }
    return fn;
  }

  return { t, modules, authConfig, httpRouter, publicFunction, load };
}

export type Deployment = Awaited<ReturnType<typeof loadDeployment>>;

async function moduleAt(modules: ModuleMap, file: string) {
  if (file.startsWith("_generated/") || file.includes("..")) return undefined;
  for (const extension of [".ts", ".js", ".mts", ".mjs"]) {
    const module = modules[`./${file}${extension}`];
    if (module) return (await module()) as Record<string, unknown>;
  }
  return undefined;
}

function localComponents(convexDir: string): string[] {
  return readdirSync(convexDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== "_generated")
    .map((entry) => entry.name)
    .filter((name) => existsSync(path.join(convexDir, name, "convex.config.ts")));
}
