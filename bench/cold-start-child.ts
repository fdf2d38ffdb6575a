/**
 * Run in a fresh, plain Node process by `cold-start.ts` (compiled first, so that no TypeScript
 * loader touches the bundles): loads a deployment's bundled HTTP entry and component adapter when
 * the first request needs them, as a Convex isolate does, and prints the timings as one JSON line.
 * Arguments: setup name, http bundle, adapter bundle.
 */
import { convexTest } from "convex-test";
import { AsyncLocalStorage } from "node:async_hooks";
import { pathToFileURL } from "node:url";
import pluginAuthSchema from "../convex/betterAuth/schema.js";
import pluginSchema from "../convex/schema.js";
import { authTest } from "convex-otp-onboarding/test";
import baselineAuthSchema from "./baseline/betterAuth/schema.js";
import baselineSchema from "./baseline/schema.js";

// The Convex runtime has AsyncLocalStorage as a global; the bundle's `async_hooks` import reads it.
Object.assign(globalThis, { AsyncLocalStorage });

const [setup, httpBundle, adapterBundle] = process.argv.slice(2);
const load = (file: string) => import(pathToFileURL(file).href);
const [schema, authSchema] =
  setup === "plugin" ? [pluginSchema, pluginAuthSchema] : [baselineSchema, baselineAuthSchema];

let loadMs: number | undefined;
const notLoaded = async () => ({});
const t = convexTest(schema, {
  // convex-test finds the functions' root by their `_generated` folder; nothing is loaded from it.
  "./_generated/api.js": notLoaded,
  "./http.mjs": async () => {
    const start = performance.now();
    const module = await load(httpBundle);
    loadMs ??= performance.now() - start;
    return module;
  },
});
const auth = authTest(t, {
  schema: authSchema,
  modules: { "./_generated/api.js": notLoaded, "./adapter.mjs": () => load(adapterBundle) },
});

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
