import type { HookEndpointContext } from "@better-auth/core";
import { type APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import {
  asRecord,
  emailSchema,
  hasSignUpFields,
  parseSignUp,
  toSignUpIssues,
  type SignUpFieldsSchema,
} from "../shared/sign-up-schema.js";
import { USERNAME_FIELD } from "../shared/user-fields.js";
import { userFieldsOf } from "./better-auth-fields.js";
import type { ResolvedOptions } from "./options.js";
import { invalidSignUpParams, usernameTakenError } from "./sign-up-errors.js";

async function usernameTaken(ctx: Pick<HookEndpointContext, "context">, data: Record<string, unknown>, self?: string) {
  const username = data[USERNAME_FIELD];
  if (typeof username !== "string") return false;
  const owner = await ctx.context.adapter.findOne<{ id: string }>({
    model: "user",
    where: [{ field: USERNAME_FIELD, value: username }],
  });
  return owner !== null && owner.id !== self;
}

/**
 * Before the code is sent: the email must be valid, and sign-up fields the client sends early are
 * checked (a taken username included), so that nothing is stored and no mail leaves for bad input.
 */
function checkSendOtp<Fields extends SignUpFieldsSchema>(options: ResolvedOptions<Fields>) {
  return createAuthMiddleware(async (ctx) => {
    const body = asRecord(ctx.body);
    const withFields = body["type"] === "sign-in" && hasSignUpFields(options.fields, body);
    const parsed = withFields
      ? parseSignUp(options.fields, body, { partial: true })
      : parseEmailOnly(body);
    if (!parsed.success) throw invalidSignUpParams(parsed.issues);
    if (withFields && (await usernameTaken(ctx, parsed.data))) throw usernameTakenError();
    return { context: { body: { ...body, email: parsed.email } } };
  });
}

function parseEmailOnly(body: Record<string, unknown>) {
  const result = emailSchema.safeParse(body["email"]);
  return result.success
    ? { success: true as const, email: result.data, data: {} }
    : {
        success: false as const,
        issues: toSignUpIssues(result.error).map((issue) => ({ ...issue, path: "email" })),
      };
}

/**
 * Where a sign-up refused for its fields waits for the user insert: the creation guard refuses the
 * insert with it and gives the code back. One per auth instance, which serves one request; every
 * sign-in sets it afresh.
 */
export function createSignUpRefusal() {
  let refusal: APIError | undefined;
  return {
    set: (error: APIError | undefined) => void (refusal = error),
    get: () => refusal,
  };
}
export type SignUpRefusal = ReturnType<typeof createSignUpRefusal>;

/**
 * Before a sign-in with a code. Valid sign-up fields go straight through: a new user is created
 * with them, a returning user signs in and they are ignored (a taken username is caught at the
 * insert, which gives the code back). Missing or invalid fields matter only if the code is right
 * and the email new, and only Better Auth's atomic check of the code may tell that (a check here
 * would let parallel requests try more guesses than a code allows). So the request goes on, and a
 * new user's insert is refused with the field issues, the code given back, so that the person can
 * fix a field and submit the same code again. Without a valid code every email gets the same answer.
 */
function checkSignIn<Fields extends SignUpFieldsSchema>(
  options: ResolvedOptions<Fields>,
  refusal: SignUpRefusal,
) {
  // Sign-up fields Better Auth requires at a user insert: a missing one would be refused by it
  // after the code is used, with no code given back. A placeholder passes that presence check (it
  // must not be null, which the hook merge drops); the insert is refused before anything is written.
  const required = Object.entries(userFieldsOf(options.fields))
    .filter(([, field]) => field.required)
    .map(([key]) => key);
  return createAuthMiddleware(async (ctx) => {
    const body = asRecord(ctx.body);
    const email = parseEmailOnly(body);
    if (!email.success) throw invalidSignUpParams(email.issues);
    const parsed = parseSignUp(options.fields, body, { partial: false });
    refusal.set(parsed.success ? undefined : invalidSignUpParams(parsed.issues));
    if (parsed.success) {
      return { context: { body: { ...body, ...parsed.data, email: parsed.email } } };
    }
    const placeholders = Object.fromEntries(
      required.filter((key) => !(key in body)).map((key) => [key, ""]),
    );
    return { context: { body: { ...placeholders, ...body, email: email.email } } };
  });
}

/** Before a profile update: changed sign-up fields follow the same rules as at sign-up. */
function checkUpdateUser<Fields extends SignUpFieldsSchema>(options: ResolvedOptions<Fields>) {
  return createAuthMiddleware(async (ctx) => {
    const body = asRecord(ctx.body);
    if (!hasSignUpFields(options.fields, body)) return;
    const result = options.fields.partial().safeParse(body);
    if (!result.success) throw invalidSignUpParams(toSignUpIssues(result.error));
    const self = (await getSessionFromCtx(ctx))?.user.id;
    if (await usernameTaken(ctx, result.data, self)) throw usernameTakenError();
    return { context: { body: { ...body, ...result.data } } };
  });
}

/** The plugin's `hooks.before`: validation on the three routes that take sign-up fields. */
export function signUpChecks<Fields extends SignUpFieldsSchema>(
  options: ResolvedOptions<Fields>,
  refusal: SignUpRefusal,
) {
  const on = (path: string) => (ctx: HookEndpointContext) => ctx.path === path;
  return [
    { matcher: on("/email-otp/send-verification-otp"), handler: checkSendOtp(options) },
    { matcher: on("/sign-in/email-otp"), handler: checkSignIn(options, refusal) },
    { matcher: on("/update-user"), handler: checkUpdateUser(options) },
  ];
}
