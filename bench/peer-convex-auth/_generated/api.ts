/* eslint-disable */
/**
 * Generated `api` utility. Kept by hand (no deployment here to run codegen against).
 * @module
 */
import type * as auth from "../auth.js";
import type * as http from "../http.js";

import type { ApiFromModules, FilterApi, FunctionReference } from "convex/server";
import { anyApi } from "convex/server";

declare const fullApi: ApiFromModules<{
  auth: typeof auth;
  http: typeof http;
}>;

/** The app's public functions: `api.auth.signIn`, … */
export const api: FilterApi<typeof fullApi, FunctionReference<any, "public">> = anyApi as any;

/** The app's internal functions: `internal.auth.store`. */
export const internal: FilterApi<typeof fullApi, FunctionReference<any, "internal">> = anyApi as any;
