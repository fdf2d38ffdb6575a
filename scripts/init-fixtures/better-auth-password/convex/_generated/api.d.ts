/* eslint-disable */
/** Generated `api` utility, kept by hand as `npx convex dev` would write it. */
import type * as auth from "../auth.js";
import type * as http from "../http.js";
import type { ApiFromModules, FilterApi, FunctionReference } from "convex/server";

declare const fullApi: ApiFromModules<{
  auth: typeof auth;
  http: typeof http;
}>;
export declare const api: FilterApi<typeof fullApi, FunctionReference<any, "public">>;
export declare const internal: FilterApi<typeof fullApi, FunctionReference<any, "internal">>;
export declare const components: { betterAuth: import("@convex-dev/better-auth/_generated/component.js").ComponentApi<"betterAuth"> };
