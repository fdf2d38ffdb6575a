import type { TestConvex } from "convex-test";
import type { GenericSchema, SchemaDefinition } from "convex/server";

type Modules = Record<string, () => Promise<any>>;
type ComponentFiles = { schema: SchemaDefinition<GenericSchema, boolean>; modules: Modules };

/**
 * The rate limiter component's schema and modules. Its own kit (`@convex-dev/rate-limiter/test`)
 * lists them with Vite's `import.meta.glob`; under plain Node (tsx) the same map is read from its
 * built files instead.
 */
async function loadRateLimiter(): Promise<ComponentFiles> {
  try {
    const kit = (await import("@convex-dev/rate-limiter/test")).default;
    return { schema: kit.schema, modules: kit.modules };
  } catch {
    const [{ readdirSync }, { dirname, join }, { pathToFileURL, fileURLToPath }] =
      await Promise.all([import("node:fs"), import("node:path"), import("node:url")]);
    const dir = dirname(
      fileURLToPath(import.meta.resolve("@convex-dev/rate-limiter/convex.config")),
    );
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) =>
      /\.js$/.test(file),
    );
    const modules = Object.fromEntries(
      files.map((file) => [
        `./component/${file.split("\\").join("/")}`,
        () => import(pathToFileURL(join(dir, file)).href),
      ]),
    );
    return { schema: (await import(pathToFileURL(join(dir, "schema.js")).href)).default, modules };
  }
}
const rateLimiterFiles = await loadRateLimiter();

/**
 * Registers the `@convex-dev/rate-limiter` component (the plugin's send limits) on a convex-test
 * instance; `authTest` does it for you. Works under Vitest and under plain Node.
 */
export function registerRateLimiter(
  t: Pick<TestConvex<SchemaDefinition<GenericSchema, boolean>>, "registerComponent">,
  name = "rateLimiter",
) {
  t.registerComponent(name, rateLimiterFiles.schema, rateLimiterFiles.modules);
}

