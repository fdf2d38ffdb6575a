import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "convex",
          // Convex functions run in an edge-like runtime; convex-test expects the same here.
          environment: "edge-runtime",
          server: { deps: { inline: ["convex-test"] } },
          include: ["convex/**/*.test.ts", "plugin/src/**/*.test.ts"],
          // A file's first sign-up loads Better Auth into convex-test: seconds on a busy machine.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "example",
          // The example's tests drive `npm start` over HTTP and in Chromium, from Node. Which
          // Chromium is looked up once, before the runtime starts (example/test/browser.ts).
          environment: "node",
          include: ["example/**/*.test.ts"],
          globalSetup: ["example/test/find-browser.ts", "example/test/start-runtime.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "scripts",
          // Checks of the repository itself (e.g. the hand-kept convex/_generated/), in Node.
          environment: "node",
          include: ["scripts/**/*.test.ts"],
          // The fixtures of `init` are apps of their own: scripts/check-init.ts runs their tests.
          exclude: ["scripts/init-fixtures/**"],
        },
      },
    ],
  },
});
