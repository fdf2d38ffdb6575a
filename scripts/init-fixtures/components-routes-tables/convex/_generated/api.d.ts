/* eslint-disable */
/** Generated `api` utility, kept by hand as `npx convex dev` would write it. */
import type * as http from "../http.js";
import type * as messages from "../messages.js";
import type { ApiFromModules, FilterApi, FunctionReference } from "convex/server";

declare const fullApi: ApiFromModules<{
  http: typeof http;
  messages: typeof messages;
}>;
export declare const api: FilterApi<typeof fullApi, FunctionReference<any, "public">>;
export declare const internal: FilterApi<typeof fullApi, FunctionReference<any, "internal">>;
export declare const components: { shardedCounter: import("@convex-dev/sharded-counter/_generated/component.js").ComponentApi<"shardedCounter"> };
