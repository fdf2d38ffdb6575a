/** Server-side users: creating and deleting Better Auth users from any Convex mutation, triggers included. */
import type { AuthFunctions } from "@convex-dev/better-auth";
import {
  createFunctionHandle,
  type FunctionReference,
  type GenericMutationCtx,
  type GenericQueryCtx,
} from "convex/server";
import type { z } from "zod";
import { onboardingError } from "./errors.js";
import { INVITE_FIELD, USERNAME_FIELD } from "../shared/user-fields.js";
import { parseSignUp, type SignUpFieldsSchema } from "../shared/sign-up-schema.js";

/** The part of the Better Auth component's API (`components.betterAuth`) the helpers call. */
export type AuthComponentApi = {
  adapter: {
    create: FunctionReference<"mutation", "internal">;
    findOne: FunctionReference<"query", "internal">;
    findMany: FunctionReference<"query", "internal">;
    deleteOne: FunctionReference<"mutation", "internal">;
    deleteMany: FunctionReference<"mutation", "internal">;
  };
};

/** Options of {@link serverUsers}. */
export type ServerUsersOptions<Fields extends SignUpFieldsSchema> = {
  /** The Better Auth component: `components.betterAuth`. */
  component: AuthComponentApi;
  /**
   * The trigger mutations (`internal.auth`, from `authComponent.triggersApi()`), so that users
   * created and deleted here run the same triggers, in the same transaction, as over HTTP.
   */
  authFunctions: AuthFunctions;
  /** The sign-up schema: the same one given to `otpOnboarding({ fields })`. */
  fields: Fields;
};

// Sessions and accounts are few per user; pages of this size keep each call small.
const RELATED_ROWS_PAGE = 100;

/**
 * Creates and deletes Better Auth users from any Convex mutation (invites, imports, admin tools),
 * with the same validation as sign-up and the same `user` triggers: a created user is onboarded
 * in the same transaction, a deleted one is cleaned up in the same transaction.
 *
 * ```ts
 * const users = serverUsers({ component: components.betterAuth, authFunctions: internal.auth, fields: signUpFields });
 * export const invite = internalMutation({ args, handler: (ctx, args) => users.create(ctx, args) });
 * ```
 */
export function serverUsers<Fields extends SignUpFieldsSchema>(options: ServerUsersOptions<Fields>) {
  const { component, authFunctions, fields } = options;

  async function findUser(ctx: GenericQueryCtx<any>, field: string, value: string) {
    return await ctx.runQuery(component.adapter.findOne, { model: "user", where: [{ field, value }] });
  }

  const handleOf = async (fn: AuthFunctions[keyof AuthFunctions]) =>
    fn ? await createFunctionHandle(fn) : undefined;

  /**
   * Creates a user whose email is not yet verified and runs `user.onCreate` (onboarding) in the
   * same transaction. The user signs in later with an email code, already onboarded.
   * Throws `ConvexError` `INVALID_SIGNUP_PARAMS` (with `issues`), `EMAIL_TAKEN` or `USERNAME_TAKEN`.
   */
  async function create(
    ctx: GenericMutationCtx<any>,
    input: { email: string } & z.input<Fields>,
  ): Promise<{ userId: string }> {
    const parsed = parseSignUp(fields, input, { partial: false });
    if (!parsed.success) throw onboardingError("INVALID_SIGNUP_PARAMS", { issues: parsed.issues });
    // Checked inside this transaction, so no sign-up can take the email or username meanwhile.
    if (await findUser(ctx, "email", parsed.email)) throw onboardingError("EMAIL_TAKEN");
    const username = parsed.data[USERNAME_FIELD];
    if (typeof username === "string" && (await findUser(ctx, USERNAME_FIELD, username))) {
      throw onboardingError("USERNAME_TAKEN");
    }
    // An invite code is for the sign-up routes' policy; a user made here is admitted by the app.
    const { name, [INVITE_FIELD]: _invite, ...signUpData } = parsed.data;
    const now = Date.now();
    const user = await ctx.runMutation(component.adapter.create, {
      input: {
        model: "user",
        // As Better Auth's email-code sign-up writes a new user: no name is an empty name.
        data: {
          ...signUpData,
          name: typeof name === "string" ? name : "",
          email: parsed.email,
          emailVerified: false,
          createdAt: now,
          updatedAt: now,
        },
      },
      onCreateHandle: await handleOf(authFunctions.onCreate),
    });
    return { userId: user._id as string };
  }

  /**
   * Deletes a user with their sessions and accounts, running `user.onDelete` (the onboarding
   * cleanup) in the same transaction. Returns `false` if there was no such user.
   */
  async function remove(ctx: GenericMutationCtx<any>, userId: string): Promise<boolean> {
    if (!(await findUser(ctx, "_id", userId))) return false;
    for (const model of ["session", "account"]) {
      let page: { isDone: boolean; continueCursor: string } | undefined;
      do {
        page = await ctx.runMutation(component.adapter.deleteMany, {
          input: { model, where: [{ field: "userId", value: userId }] },
          paginationOpts: { cursor: page?.continueCursor ?? null, numItems: RELATED_ROWS_PAGE },
        });
      } while (!page!.isDone);
    }
    await ctx.runMutation(component.adapter.deleteOne, {
      input: { model: "user", where: [{ field: "_id", value: userId }] },
      onDeleteHandle: await handleOf(authFunctions.onDelete),
    });
    return true;
  }

  return { create, remove };
}
