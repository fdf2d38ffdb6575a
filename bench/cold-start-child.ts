/**
 * Run in a fresh, plain Node process by `cold-start.ts` (compiled first, so that no TypeScript
 * loader touches the bundles): loads a deployment's bundled modules (the app's, the Better Auth
 * component's and the rate limiter's) when the first request needs them, as a Convex isolate
 * does, and prints the timings as one JSON line. Argument: the setup name, then one JSON
 * argument `{ app, betterAuth, rateLimiter }`, each `{ dir, entries }`.
 */
import { convexTest } from "convex-test";
import { AsyncLocalStorage } from "node:async_hooks";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pluginAuthSchema from "../convex/betterAuth/schema.js";
import pluginSchema from "../convex/schema.js";
import { authTest } from "convex-otp-onboarding/test";
import baselineAuthSchema from "./baseline/betterAuth/schema.js";
import baselineSchema from "./baseline/schema.js";

// The Convex runtime has AsyncLocalStorage as a global; the bundle's `async_hooks` import reads it.
Object.assign(globalThis, { AsyncLocalStorage });

type Folder = { dir: string; entries: string[] };
const [setup, json] = process.argv.slice(2);
const folders = JSON.parse(json!) as Record<"app" | "betterAuth" | "rateLimiter", Folder>;
const load = (file: string) => import(pathToFileURL(file).href);
// convex-test finds the functions' root by their `_generated` folder; nothing is loaded from it.
const notLoaded = async () => ({});

let loadMs: number | undefined;
/** The entry modules of one bundle folder, as the modules map convex-test takes. */
function modulesOf({ dir, entries }: Folder) {
  const modules: Record<string, () => Promise<unknown>> = { "./_generated/api.js": notLoaded };
  for (const entry of entries) {
    modules[`./${entry}`] = async () => {
      const start = performance.now();
      const module = await load(join(dir, entry));
      // The HTTP router is the first module a request loads: its entry and static chunks.
      if (dir === folders.app.dir && entry === "http.js")
        loadMs ??= performance.now() - start;
      return module;
    };
  }
  return modules;
}
const [schema, authSchema] =
  setup === "plugin" ? [pluginSchema, pluginAuthSchema] : [baselineSchema, baselineAuthSchema];

const t = convexTest(schema, modulesOf(folders.app));
// The kit registers the rate limiter from its unbundled files: register the bundled ones instead.
const rateLimiterModules = modulesOf(folders.rateLimiter);
const auth = authTest(
  {
    ...t,
    registerComponent: (name: string, componentSchema: any, modules: any) =>
      t.registerComponent(name, componentSchema, name === "rateLimiter" ? rateLimiterModules : modules),
  } as typeof t,
  { schema: authSchema, modules: modulesOf(folders.betterAuth) },
);

async function timed(email: string) {
  const start = performance.now();
  const response = await auth.sendOtp(email);
  await response.text();
  if (!response.ok) throw new Error(`send code answered ${response.status}`);
  return performance.now() - start;
}

const firstRequestMs = await timed("cold@example.com");
const warmRequestMs = await timed("warm@example.com");
console.log(JSON.stringify({ loadMs, firstRequestMs, warmRequestMs }));
// The codes' expiry jobs sit on the scheduler's timers: do not wait for them.
process.exit(0);
