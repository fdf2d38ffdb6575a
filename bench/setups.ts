/**
 * The two backends under test, each in its own convex-test instance with every call counted:
 * `baseline` (bench/baseline/: bare @convex-dev/better-auth + emailOTP) and `plugin` (convex/: the
 * reference backend with otpOnboarding and its onboarding trigger).
 */
import { convexTest } from "convex-test";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { authTest } from "convex-otp-onboarding/test";
import pluginAuthSchema from "../convex/betterAuth/schema.js";
import pluginSchema from "../convex/schema.js";
import baselineAuthSchema from "./baseline/betterAuth/schema.js";
import baselineSchema from "./baseline/schema.js";
import { CallLog, countedFetch, countedModules } from "./calls.js";
import { moduleMap, type ModuleMap } from "./modules.js";

const root = fileURLToPath(new URL("..", import.meta.url));

const apps = {
  baseline: {
    dir: join(root, "bench/baseline"),
    schema: baselineSchema,
    authSchema: baselineAuthSchema,
  },
  plugin: { dir: join(root, "convex"), schema: pluginSchema, authSchema: pluginAuthSchema },
};

/** Which backend a setup runs. */
export type SetupName = keyof typeof apps;

/** The folder of a backend's Convex functions. */
export const appDir = (name: SetupName) => apps[name].dir;

/**
 * A fresh backend: its convex-test instance, the test kit over its routes, `fetch` (counted, for
 * requests the kit has no helper for), and its call log.
 */
export function startSetup(name: SetupName) {
  const { dir, schema, authSchema } = apps[name];
  const log = new CallLog();
  const t = convexTest(schema, countedModules(moduleMap(dir), log));
  // Every component the kit registers (Better Auth, the rate limiter) is counted like the app.
  const counted = {
    ...t,
    fetch: countedFetch(t.fetch, log),
    // The kit sends each request from a client IP of its own, through this accessor.
    withRequestMetadata: (metadata: Parameters<typeof t.withRequestMetadata>[0]) => {
      const from = t.withRequestMetadata(metadata);
      return { ...from, fetch: countedFetch(from.fetch, log) };
    },
    registerComponent: <Api = unknown>(component: string, schema: any, modules: ModuleMap): Api =>
      t.registerComponent<Api>(component, schema, countedModules(modules, log, component)),
  } as typeof t;
  // The bench reads codes from one capture for both setups (the kit's capture is process-wide).
  const auth = authTest(counted, {
    schema: authSchema,
    modules: moduleMap(join(dir, "betterAuth")),
    captureMail: false,
  });
  return { name, t, auth, fetch: counted.fetch, log };
}

/** One running backend. */
export type Setup = ReturnType<typeof startSetup>;
