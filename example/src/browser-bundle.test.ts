import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Rollup } from "vite";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Every module Vite puts into the example app's browser bundle, relative to the repository. */
async function bundledModules(): Promise<string[]> {
  const result = await build({
    configFile: path.join(root, "example/vite.config.ts"),
    logLevel: "silent",
    build: { write: false },
  });
  const outputs = [result].flat() as Rollup.RollupOutput[];
  return outputs
    .flatMap((output) => output.output)
    .flatMap((chunk) => ("moduleIds" in chunk ? chunk.moduleIds : []))
    .map((id) => path.relative(root, id));
}

// Server code a browser must never receive: the plugin's server, mail and Convex parts, Better
// Auth's endpoints, database and crypto, and the mail SDK.
const SERVER_ONLY = [
  /^plugin\/dist\/(server|mail|convex|test)\//,
  /better-auth\/dist\/(api|db|crypto|plugins\/email-otp\/routes)/,
  /node_modules\/resend\//,
];

describe("the example app's browser bundle", () => {
  it("takes the plugin's client entry and no server module", { timeout: 60_000 }, async () => {
    const modules = await bundledModules();
    expect(modules).toContain("plugin/dist/client/plugin.js");
    expect(modules.filter((id) => SERVER_ONLY.some((pattern) => pattern.test(id)))).toEqual([]);
  });
});
