/**
 * The plugin itself: `otpOnboarding`, which configures Better Auth's emailOTP, declares the user
 * fields derived from the sign-up schema (with their rules on every write), and orders its hooks.
 */
import type { BetterAuthPlugin, User } from "better-auth";
import { createAuthEndpoint, getSessionFromCtx } from "better-auth/api";
import { emailOTP } from "better-auth/plugins/email-otp";
import * as z from "zod";
import { OTP_ONBOARDING_ERROR_CODES } from "../shared/error-codes.js";
import type { SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { fieldType, INVITE_FIELD, isCoreUserField, USERNAME_FIELD, type CoreUserField } from "../shared/user-fields.js";
import { textIssue } from "../shared/visible-text.js";
import { accountActions, passwordlessResetRule } from "./account-actions.js";
import { errorAnswers, invalidSignUpParams, signUpAnswers } from "./answers.js";
import { codeIdentifier, createOtpStorage } from "./codes.js";
import { failureBudget, sendLimits } from "./limits.js";
import { resolveOptions, type OtpOnboardingOptions } from "./options.js";
import { pluginContext, requestAdapter } from "./request.js";
import { ROUTES, routeGate } from "./routes.js";
import { signUpPolicy } from "./sign-up-policy.js";

type FieldType<T> = T extends string
  ? "string"
  : T extends number
    ? "number"
    : T extends boolean
      ? "boolean"
      : T extends Date
        ? "date"
        : "json";

/** The Better Auth user fields that a sign-up schema adds, typed so that sessions and clients see them. */
export type UserFieldsOf<Fields extends SignUpFieldsSchema> = {
  [K in Exclude<keyof z.output<Fields>, CoreUserField | typeof INVITE_FIELD> & string]: {
    type: FieldType<NonNullable<z.output<Fields>[K]>>;
    required: undefined extends z.output<Fields>[K] ? false : true;
    unique: K extends typeof USERNAME_FIELD ? true : false;
    input: true;
  };
};

/** A Standard Schema (https://standardschema.dev), as Better Auth's field validators take it. */
type StandardSchema = { "~standard": Pick<z.ZodType["~standard"], "version" | "vendor" | "validate"> };

/**
 * The field's own schema, as Better Auth runs it on every write of the field (sign-up and
 * `/update-user`): readable text first, then Zod, whose output (trimmed, defaulted) is stored.
 */
function fieldValidator(schema: z.ZodType): StandardSchema {
  return {
    "~standard": {
      version: 1,
      vendor: "convex-otp-onboarding",
      validate(value: unknown) {
        const hidden = typeof value === "string" ? textIssue(value) : undefined;
        if (hidden) return { issues: [{ message: hidden }] };
        return schema["~standard"].validate(value);
      },
    },
  };
}

/**
 * Derives the Better Auth `user` fields that the plugin declares from the Zod sign-up schema, each
 * with its schema as Better Auth's validator.
 */
export function userFieldsOf<Fields extends SignUpFieldsSchema>(
  fields: Fields,
): UserFieldsOf<Fields> {
  const entries = Object.entries(fields.shape)
    .filter(([key]) => !isCoreUserField(key) && key !== INVITE_FIELD)
    .map(([key, schema]) => [
      key,
      {
        type: fieldType(schema as z.ZodType),
        required: !(schema as z.ZodType).safeParse(undefined).success,
        unique: key === USERNAME_FIELD,
        input: true,
        validator: { input: fieldValidator(schema as z.ZodType) },
      },
    ]);
  return Object.fromEntries(entries) as UserFieldsOf<Fields>;
}

/**
 * Better Auth's `user.create.before` and `user.update.before` hook for the one sign-up field it
 * keeps apart, `name`: the same Zod rule and readable text as the others, on every write of it. An
 * empty name at sign-up is no name (Better Auth writes `""` when none was given); an update that
 * sends `""` asks for an empty name, which the schema judges as any other value.
 */
function nameRule(fields: SignUpFieldsSchema, write: "create" | "update") {
  const schema = fields.shape["name"] as z.ZodType | undefined;
  return async (user: { name?: string } & Record<string, unknown>) => {
    if (!schema || !Object.hasOwn(user, "name")) return;
    const given = user.name === "" && write === "create" ? undefined : user.name;
    const hidden = typeof given === "string" ? textIssue(given) : undefined;
    const parsed = schema.safeParse(given);
    const message = hidden ?? (parsed.success ? undefined : parsed.error.issues[0]?.message);
    if (message) throw invalidSignUpParams([{ path: "name", message }]);
    return { data: { ...user, name: typeof parsed.data === "string" ? parsed.data : "" } };
  };
}

/** The body of `/sign-in/email-otp`: email and code, plus the sign-up fields (needed for a new user). */
type SignInBody<Fields extends SignUpFieldsSchema> = z.ZodObject<
  { email: z.ZodString; otp: z.ZodString } & {
    [K in keyof Fields["shape"]]: z.ZodOptional<Fields["shape"][K]>;
  }
>;

// Type only: the endpoint as the client sees it, typed from the sign-up schema. (Mapped by hand:
// `.partial()` on a generic schema would lose the field names.)
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- a value only for its type, as above.
const typedSignInEndpoint = <Fields extends SignUpFieldsSchema>(fields: Fields) =>
  createAuthEndpoint(
    "/sign-in/email-otp",
    {
      method: "POST",
      body: z
        .object({ email: z.string(), otp: z.string() })
        .extend(fields.partial().shape) as unknown as SignInBody<Fields>,
    },
    async (ctx) => ctx.json({ token: "", user: {} as User }),
  );

/** What a plugin's `init` hands back to Better Auth, as Better Auth types it. */
type PluginInit = ReturnType<NonNullable<BetterAuthPlugin["init"]>>;

/**
 * Passwordless sign-up by email code, with Zod-validated sign-up fields. Configures Better Auth's
 * `emailOTP` (it replaces that plugin: do not add both). Every request it serves runs in one Convex
 * mutation (`authRequestMutation`, reached through `registerOtpRoutes`): limits, the code, the new
 * user with its onboarding and the session commit together or not at all; the mail leaves from the
 * HTTP action once the mutation has committed. Pair it with `defineOnboarding` for the one-time
 * setup of each new user.
 *
 * ```ts
 * betterAuth({
 *   database: authComponent.adapter(ctx),
 *   plugins: [
 *     convex({ authConfig }),
 *     otpOnboarding({ ctx, fields: signUpFields, sender: devMailbox(), rateLimiter: components.rateLimiter }),
 *   ],
 * })
 * ```
 */
export function otpOnboarding<Fields extends SignUpFieldsSchema>(options: OtpOnboardingOptions<Fields>) {
  const resolved = resolveOptions(options);
  const plugin = pluginContext(resolved);
  const otpStore = createOtpStorage(resolved.storage, (atRest) => {
    const state = plugin.state();
    if (state) state.storedCode = atRest;
  });
  const sends = sendLimits(plugin, otpStore);
  const failures = failureBudget(plugin);
  const actions = accountActions(plugin, otpStore);
  const policy = signUpPolicy(plugin);
  if (resolved.signUp.mode !== "open" && !resolved.sender.notify) {
    throw new Error(`convex-otp-onboarding: signUp.mode "${resolved.signUp.mode}" mails notices, which the sender ${resolved.sender.name} cannot send (it has no notify)`);
  }
  const createNameCheck = nameRule(resolved.fields, "create");

  const emailOtp = emailOTP({
    otpLength: resolved.otpLength,
    expiresIn: resolved.expiresIn,
    allowedAttempts: resolved.allowedAttempts,
    disableSignUp: resolved.disableSignUp,
    changeEmail: { enabled: resolved.routes.has("change-email") },
    storeOTP: otpStore.storeOTP,
    // The code the HTTP action made with real randomness (the route gate ensures there is one),
    // or a review account's fixed code.
    generateOTP: ({ email, type }) => policy.fixedCode(email, type) ?? plugin.state()?.otp,
    // Mail cannot leave a mutation: the request owes it, and the HTTP action sends it after the
    // commit. A cleanup deletes the code once it has expired, unless it was used before.
    async sendVerificationOTP({ email, type }, ctx) {
      const state = plugin.state();
      if (!state || !ctx) throw new Error("convex-otp-onboarding: a code was sent outside the auth mutation");
      const current = type === "change-email" ? (await getSessionFromCtx(ctx))?.user.email.toLowerCase() : undefined;
      const identifier = codeIdentifier(type, email, current);
      if (!state.storedCode) throw new Error("convex-otp-onboarding: a code was sent before it was stored");
      const cleanup = await plugin.scheduleCodeCleanup(identifier, { email, purpose: type });
      // A review account's fixed code is never mailed; an address the sign-up policy does not
      // admit is mailed a notice instead of its code.
      if (policy.fixedCode(email, type)) state.silent = true;
      else {
        const notice = state.notice ? { notice: state.notice } : {};
        state.mail = { to: email, type, identifier, code: state.storedCode, ...(cleanup ? { cleanup } : {}), ...notice };
      }
    },
  });

  return {
    id: "otp-onboarding",
    init(ctx): PluginInit {
      otpStore.bind(ctx);
      // Better Auth's own limiter counts in the memory of one Convex isolate, keyed by a header
      // Convex does not set: the limits above replace it on every route the plugin serves.
      const customRules = {
        ...Object.fromEntries(Object.keys(ROUTES).map((route) => [route, false as const])),
        ...ctx.rateLimit.customRules,
      };
      return {
        context: {
          rateLimit: { ...ctx.rateLimit, customRules },
          // One request, one transaction: what it reads of its code and the signing keys, it reads once.
          adapter: requestAdapter(ctx.adapter, plugin.state),
          // On the routes the plugin serves (their requests carry its state), the fresh-code window
          // replaces Better Auth's own `session.freshAge`, unless the app set it; routes served by
          // the app's own Better Auth handler (`besideRegisterRoutes`) keep Better Auth's.
          ...(ctx.options.session?.freshAge === undefined && plugin.state() ? { sessionConfig: { ...ctx.sessionConfig, freshAge: 0 } } : {}),
        },
        options: {
          // Expired codes are deleted by their scheduled cleanup: Better Auth's sweep on every
          // check would read every expired row, and parallel sign-ins would conflict on them.
          verification: { disableCleanup: true },
          databaseHooks: {
            session: {
              create: {
                // The token the HTTP action made: a mutation's randomness is seeded per execution.
                before: async (session: Record<string, unknown>) => {
                  const state = plugin.state();
                  return state ? { data: { ...session, token: state.sessionToken } } : undefined;
                },
              },
            },
            user: {
              create: {
                // The sign-up policy's final word, then the name rule; both in the insert's transaction.
                before: async (user: { name?: string } & Record<string, unknown>) => {
                  await policy.beforeUserCreate(user);
                  return await createNameCheck(user);
                },
              },
              update: { before: nameRule(resolved.fields, "update") },
            },
            account: { create: { before: passwordlessResetRule } },
          },
        },
      };
    },
    endpoints: {
      ...emailOtp.endpoints,
      ...actions.endpoints,
      signInEmailOTP: emailOtp.endpoints.signInEmailOTP as unknown as ReturnType<typeof typedSignInEndpoint<Fields>>,
    },
    hooks: {
      // The gate first (closed routes answer 404), then the fresh-code guard of deleting the account
      // and changing its email, then what a send spends, then what a check charges. The sign-up
      // policy checks an invite before anything is spent on it, and decides what a sign-up send
      // mails once the send's limits are spent.
      before: [routeGate(plugin), actions.before, policy.inviteGate, sends.before, policy.admission, failures.before],
      // An unmailed send keeps a stand-in code, a right code forgives, refused sign-up fields roll
      // back, and every error leaves with a code.
      after: [sends.after, failures.after, ...signUpAnswers(resolved.fields), ...errorAnswers],
    },
    schema: { user: { fields: userFieldsOf(resolved.fields) } },
    $ERROR_CODES: { ...emailOtp.$ERROR_CODES, ...OTP_ONBOARDING_ERROR_CODES },
    options,
  } satisfies BetterAuthPlugin;
}
