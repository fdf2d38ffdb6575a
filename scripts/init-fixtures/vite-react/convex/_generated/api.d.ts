/* eslint-disable */
/** Generated `api` utility, kept by hand as `npx convex dev` would write it. */
import type * as tasks from "../tasks.js";
import type { ApiFromModules, FilterApi, FunctionReference } from "convex/server";

declare const fullApi: ApiFromModules<{
  tasks: typeof tasks;
}>;
export declare const api: FilterApi<typeof fullApi, FunctionReference<any, "public">>;
export declare const internal: FilterApi<typeof fullApi, FunctionReference<any, "internal">>;
export declare const components: {};
