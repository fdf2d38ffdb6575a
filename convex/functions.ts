/**
 * Query and mutation builders for the app's own tables: every read and write goes through
 * row-level security, so ownership is decided by the rules below and nowhere else.
 */
import {
  customCtx,
  customMutation,
  customQuery,
} from "convex-helpers/server/customFunctions";
import {
  wrapDatabaseReader,
  wrapDatabaseWriter,
  type Rules,
} from "convex-helpers/server/rowLevelSecurity";
import { onboardingError } from "convex-otp-onboarding/convex";
import type { DataModel } from "./_generated/dataModel";
import { mutation, query, type QueryCtx } from "./_generated/server";
import { authComponent } from "./auth";

type Viewer = { userId: string | null };

/** A profile is read and changed by its owner only. */
const rules: Rules<Viewer, DataModel> = {
  profiles: {
    read: async ({ userId }, profile) => profile.userId === userId,
    modify: async ({ userId }, profile) => profile.userId === userId,
    insert: async ({ userId }, profile) => profile.userId === userId,
  },
};

async function viewerOf(ctx: QueryCtx): Promise<Viewer> {
  const user = await authComponent.safeGetAuthUser(ctx);
  return { userId: user?._id ?? null };
}

/** A query that sees only the rows the signed-in user may read (`viewer.userId` is null when signed out). */
export const userQuery = customQuery(
  query,
  customCtx(async (ctx) => {
    const viewer = await viewerOf(ctx);
    return { viewer, db: wrapDatabaseReader(viewer, ctx.db, rules) };
  }),
);

// convex-helpers denies with plain Errors; clients get one stable code instead, and no hint of
// whether the row exists.
const RLS_DENIALS = [
  "no read access or doc does not exist",
  "write access not allowed",
  "insert access not allowed",
];
const WRITES = new Set<string | symbol>(["insert", "patch", "replace", "delete"]);

function forbiddenOnDenial<T extends object>(db: T): T {
  return new Proxy(db, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function" || !WRITES.has(key)) return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          if (error instanceof Error && RLS_DENIALS.includes(error.message)) {
            throw onboardingError("FORBIDDEN");
          }
          throw error;
        }
      };
    },
  });
}

/** A mutation whose writes pass the row-level rules; a denied write throws `FORBIDDEN`. */
export const userMutation = customMutation(
  mutation,
  customCtx(async (ctx) => {
    const viewer = await viewerOf(ctx);
    return { viewer, db: forbiddenOnDenial(wrapDatabaseWriter(viewer, ctx.db, rules)) };
  }),
);
