// @ts-check
/**
 * `npm run lint`: ESLint's and typescript-eslint's recommended rules (type-aware) on the whole
 * workspace, and Convex's own rules (explicit table names, validators on every function) on the
 * Convex code.
 */
import js from "@eslint/js";
import convexPlugin from "@convex-dev/eslint-plugin";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

// Where Convex functions are written: convex/ (and its betterAuth/ component), the package's
// plugin/src/convex/ (both matched by the plugin's own `**/convex/**/*.ts`), and the bench's
// baseline and Convex Auth backends.
const CONVEX_CODE = ["**/convex/**/*.ts", "bench/baseline/**/*.ts", "bench/peer-convex-auth/**/*.ts"];

export default defineConfig(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      // Written by Convex's codegen (convex/, convex/betterAuth/, bench/baseline/): ignored, not fixed.
      "**/_generated/**",
      "bench/.out/**",
      // Apps of their own, with their own dependencies: scripts/check-init.ts installs and checks them.
      "scripts/init-fixtures/**",
      "test-results/**",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // One program for the whole workspace (the root tsconfig includes every folder): a
        // program per tsconfig (projectService) lints the same findings in twice the time.
        project: ["./tsconfig.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // `any` comes in on purpose and in plain sight: `GenericMutationCtx<any>` is the only type
      // every app's ctx is assignable to, and tests read JSON bodies and component tables that
      // convex-test leaves untyped. Flagging each use of those values is noise.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // Convex handlers, Better Auth hooks and test doubles are async by contract, await or not.
      "@typescript-eslint/require-await": "off",
      // It cannot tell `this`-free functions (`const { join } = await import("node:path")`,
      // convex-test's `t.fetch`) from class methods, and no class method is passed around here.
      "@typescript-eslint/unbound-method": "off",
      // Index reads are marked `!` (`email.split("@")[0]!`) as if noUncheckedIndexedAccess were on;
      // the rule calls each one unnecessary only because it is off.
      "@typescript-eslint/no-unnecessary-type-assertion": "off",
      // `const { username: _, ...rest } = fields` is how a field is left out.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
      // React drops the promise an async event handler returns; the handlers here settle their
      // own failures (Better Auth's client answers errors as values; Profile catches).
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
    },
  },
  {
    // This file is outside every tsconfig: lint it without types.
    files: ["**/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  // Convex's recommended rules, on every folder of Convex code (its own default: `**/convex/**`).
  convexPlugin.configs.recommended.map((/** @type {object} */ config) => ({ ...config, files: CONVEX_CODE })),
  {
    files: CONVEX_CODE,
    rules: {
      // Its fix is `env` from convex.config.ts, typed by codegen against a deployment; this
      // project's `_generated/` is kept by hand without it, and the docs' recipe reads
      // process.env.
      "@convex-dev/no-process-env": "off",
    },
  },
  {
    // Better Auth's tables as its generator writes them. Its adapter needs `expiresAt` beside
    // `expiresAt_userId`: a query sorted by createdAt takes only an index of exactly its fields.
    files: ["**/betterAuth/schema.ts"],
    rules: { "@convex-dev/no-duplicate-indexes": "off" },
  },
);
