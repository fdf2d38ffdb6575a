/* eslint-disable */
/**
 * Generated `ComponentApi` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type { FunctionReference } from "convex/server";

/**
 * A utility for referencing a Convex component's exposed API.
 *
 * Useful when expecting a parameter like `components.myComponent`.
 * Usage:
 * ```ts
 * async function myFunction(ctx: QueryCtx, component: ComponentApi) {
 *   return ctx.runQuery(component.someFile.someQuery, { ...args });
 * }
 * ```
 */
export type ComponentApi<Name extends string | undefined = string | undefined> =
  {
    adapter: {
      create: FunctionReference<"mutation", "internal", { input: { model: string; data: Record<string, any> }; onCreateHandle?: string; select?: Array<string> }, any, Name>;
      deleteMany: FunctionReference<"mutation", "internal", { input: { model: string; where?: Array<any> }; onDeleteHandle?: string; paginationOpts: { cursor: string | null; numItems: number; id?: number; endCursor?: string | null; maximumRowsRead?: number; maximumBytesRead?: number } }, any, Name>;
      deleteOne: FunctionReference<"mutation", "internal", { input: { model: string; where?: Array<any> }; onDeleteHandle?: string }, any, Name>;
      findMany: FunctionReference<"query", "internal", { model: string; where?: Array<any>; select?: Array<string>; limit?: number; offset?: number; join?: any; sortBy?: { direction: "asc" | "desc"; field: string }; paginationOpts: { cursor: string | null; numItems: number; id?: number; endCursor?: string | null; maximumRowsRead?: number; maximumBytesRead?: number } }, any, Name>;
      findOne: FunctionReference<"query", "internal", { model: string; where?: Array<any>; select?: Array<string>; join?: any }, any, Name>;
      updateMany: FunctionReference<"mutation", "internal", { input: { model: string; update: Record<string, any>; where?: Array<any> }; onUpdateHandle?: string; paginationOpts: { cursor: string | null; numItems: number; id?: number; endCursor?: string | null; maximumRowsRead?: number; maximumBytesRead?: number } }, any, Name>;
      updateOne: FunctionReference<"mutation", "internal", { input: { model: string; update: Record<string, any>; where?: Array<any> }; onUpdateHandle?: string }, any, Name>;
    };
  };
