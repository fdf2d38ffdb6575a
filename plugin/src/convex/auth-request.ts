/**
 * The auth mutation: every auth request's database work in one transaction, the operations the
 * HTTP action hands it (a request, a refund of an unmailed send, a code's expiry), the response as
 * it crosses back to the action, and the answer for a request that failed and rolled back.
 */
import type { AuthContext } from "@better-auth/core";
import type { BetterAuthOptions, Verification } from "better-auth";
import { APIError } from "better-auth/api";
import {
  internalMutationGeneric,
  type GenericMutationCtx,
  type RegisteredMutation,
} from "convex/server";
import { ConvexError, v, type Infer } from "convex/values";
import type { OtpType } from "../mail/sender.js";
import { pluginError, RollBack } from "../server/answers.js";
import { atRestOf } from "../server/codes.js";
import { dropEndedWait, requestLimits } from "../server/limits.js";
import { resolveOptions, type OtpOnboardingOptions } from "../server/options.js";
import { withRequestState, type RequestState } from "../server/request.js";
import { codedErrorData } from "../shared/convex-error.js";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES, statusOf } from "../shared/error-codes.js";
import type { SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { USERNAME_FIELD } from "../shared/user-fields.js";

/** A response as it crosses from the auth mutation to the HTTP action: status, headers, body. */
export const authResponseValidator = v.object({
  status: v.number(),
  headers: v.array(v.array(v.string())),
  body: v.string(),
});
export type AuthResponse = Infer<typeof authResponseValidator>;

/** A `Response` as plain data; every `Set-Cookie` header stays its own entry. */
export async function toAuthResponse(response: Response): Promise<AuthResponse> {
  const headers: string[][] = [];
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers.push([name, value]);
  });
  for (const cookie of response.headers.getSetCookie()) headers.push(["set-cookie", cookie]);
  return { status: response.status, headers, body: await response.text() };
}

/** An `APIError` as the JSON answer Better Auth would give for it. */
export function errorResponse(error: APIError): AuthResponse {
  const headers: string[][] = [["content-type", "application/json"]];
  new Headers(error.headers as HeadersInit | undefined).forEach((value, name) => headers.push([name, value]));
  return { status: error.statusCode, headers, body: JSON.stringify(error.body ?? {}) };
}

/** The `Response` the HTTP action answers with. */
export function fromAuthResponse({ status, headers, body }: AuthResponse): Response {
  const result = new Headers();
  for (const [name, value] of headers) if (name !== undefined && value !== undefined) result.append(name, value);
  return new Response(status === 204 || status === 304 ? null : body, { status, headers: result });
}

/** The part of a Better Auth instance the auth mutation and the routes use. */
export type AuthInstance = {
  handler: (request: Request) => Promise<Response>;
  options: BetterAuthOptions;
  // Typed loosely: Better Auth types the context by the app's own options.
  $context: Promise<unknown>;
};

/** The instance's database access, once Better Auth has initialised. */
const databaseOf = async (auth: AuthInstance) =>
  (await auth.$context) as Pick<AuthContext, "adapter" | "internalAdapter">;

/** Your `createAuth`: a Better Auth instance with `otpOnboarding` for a Convex ctx. */
export type CreateAuth = (ctx: any) => AuthInstance;

const ipValidator = v.union(v.string(), v.null());

/** What the HTTP action hands the auth mutation: one operation. */
const operation = v.union(
  v.object({
    kind: v.literal("request"),
    method: v.string(),
    url: v.string(),
    headers: v.array(v.array(v.string())),
    body: v.optional(v.string()),
    ip: ipValidator,
    /** A code made by the action, stored (as its keyed hash) if the request sends one. */
    otp: v.string(),
    /** A session token made by the action, used if the request creates a session. */
    sessionToken: v.string(),
    /** This mutation's name, to schedule the cleanup of the code it stores. */
    self: v.string(),
  }),
  v.object({
    kind: v.literal("undelivered"),
    email: v.string(),
    purpose: v.string(),
    /** Where and in what form (at rest) the send stored its code, and the code's scheduled cleanup. */
    identifier: v.string(),
    code: v.string(),
    cleanup: v.optional(v.id("_scheduled_functions")),
    /** Whether the provider refused the mail for good: the mailbox's wait then holds without the code. */
    refusedForGood: v.boolean(),
  }),
  // `wait`: the key of the wait the code started (jobs scheduled by 0.2.0 have none).
  v.object({ kind: v.literal("expireCode"), identifier: v.string(), wait: v.optional(v.string()) }),
);
type Operation = Infer<typeof operation>;
type ExpireCode = Extract<Operation, { kind: "expireCode" }>;

/** The auth mutation's arguments (Convex takes an object). */
export const authRequestArgs = { op: operation };
export type AuthRequestArgs = { op: Operation };

/** What the auth mutation answers a request with. */
export const authRequestReturns = v.union(
  v.object({
    response: authResponseValidator,
    mail: v.optional(
      v.object({
        to: v.string(),
        type: v.string(),
        identifier: v.string(),
        code: v.string(),
        cleanup: v.optional(v.id("_scheduled_functions")),
        notice: v.optional(v.union(v.literal("waitlisted"), v.literal("sign-up-closed"))),
      }),
    ),
  }),
  v.null(),
);
export type AuthRequestResult = Infer<typeof authRequestReturns>;

/** The marker of a rolled-back request's answer, carried out of the mutation by a `ConvexError`. */
export const ROLLED_BACK = "OTP_ONBOARDING_ROLLED_BACK";

/**
 * The marker of a request that would sign a JWT on a deployment without a signing key yet: it rolled
 * back, and the HTTP action creates the key (a mutation cannot) and runs it again.
 */
export const SIGNING_KEY_MISSING = "OTP_ONBOARDING_SIGNING_KEY_MISSING";

/** The plugin's options in a Better Auth instance, resolved. */
export function otpPluginOptions(auth: AuthInstance) {
  const plugin = auth.options.plugins?.find((candidate) => candidate.id === "otp-onboarding");
  if (!plugin) throw new Error("convex-otp-onboarding: createAuth has no otpOnboarding() plugin");
  return resolveOptions(plugin.options as OtpOnboardingOptions<SignUpFieldsSchema>);
}

/**
 * One request through Better Auth inside this mutation. What Better Auth answers commits, refusals
 * included (a wrong code's try, a spent budget). A failure that Better Auth cannot answer (a user
 * insert that failed, an onboarding step that threw, refused sign-up fields after the code was
 * consumed) throws, so Convex rolls every write of the request back, and the answer leaves in a
 * `ConvexError` for the HTTP action to send.
 */
async function runRequest(
  ctx: GenericMutationCtx<any>,
  args: Extract<Operation, { kind: "request" }>,
  createAuth: CreateAuth,
): Promise<AuthRequestResult> {
  const state: RequestState = { ip: args.ip, otp: args.otp, sessionToken: args.sessionToken, self: args.self };
  const auth = createAuth(withRequestState(ctx, state));
  // Better Auth turns unexpected errors into a bare 500, which would commit: let them out instead.
  auth.options.onAPIError = { ...auth.options.onAPIError, throw: true };
  const headers = new Headers(args.headers.map(([name, value]) => [name!, value!] as [string, string]));
  const request = new Request(args.url, {
    method: args.method,
    headers,
    ...(args.body !== undefined ? { body: args.body } : {}),
  });
  // Better Auth would create a missing signing key itself, which a mutation cannot: the action makes it.
  const keyMissing = () => new ConvexError({ code: SIGNING_KEY_MISSING });
  let response: Response;
  try {
    response = await auth.handler(request);
  } catch (error) {
    if (state.signingKeyMissing) throw keyMissing();
    throw new ConvexError({ code: ROLLED_BACK, response: errorResponse(answerForFailure(error)) });
  }
  if (state.signingKeyMissing) throw keyMissing();
  return { response: await toAuthResponse(response), ...(state.mail ? { mail: state.mail } : {}) };
}

/**
 * A code whose mail did not leave: nobody can use it, so the row its send stored goes, with its
 * scheduled cleanup; a newer code for the same address (a later send, delivered) is left alone.
 * What the send spent stays spent: the provider was asked. The mailbox's wait, which this code
 * started, ends with it (the person can ask again at once), unless the mail was refused for good.
 */
async function dropUndelivered(
  ctx: GenericMutationCtx<any>,
  args: Extract<Operation, { kind: "undelivered" }>,
  createAuth: CreateAuth,
) {
  const auth = createAuth(ctx);
  if (args.cleanup) await ctx.scheduler.cancel(args.cleanup);
  const { adapter } = await databaseOf(auth);
  const codes = await adapter.findMany<Verification>({
    model: "verification",
    where: [{ field: "identifier", value: args.identifier }],
  });
  const own = codes.find((code) => atRestOf(code.value) === args.code);
  if (!own) return;
  await adapter.delete({ model: "verification", where: [{ field: "id", value: own.id }] });
  // With its code gone, the wait it started is over; a refusal for good keeps it.
  if (!args.refusedForGood) return;
  const options = otpPluginOptions(auth);
  const limits = requestLimits(options.rateLimiter, ctx, options.limits, options.allowedAttempts);
  await limits.holdWait({ email: args.email, purpose: args.purpose as OtpType }, args.identifier, args.code);
}

/** The scheduled cleanup of a code once it has expired (if it was not used before), and of its ended wait. */
async function expireCode(ctx: GenericMutationCtx<any>, { identifier, wait }: ExpireCode, createAuth: CreateAuth) {
  const { adapter } = await databaseOf(createAuth(ctx));
  await adapter.deleteMany({
    model: "verification",
    where: [
      { field: "identifier", value: identifier },
      { field: "expiresAt", value: new Date(), operator: "lte" },
    ],
  });
  if (wait) await dropEndedWait(ctx, wait);
}

/**
 * The internal mutation that does every auth request's database work in one transaction. Export it
 * from your `convex/auth.ts` and hand its reference to {@link registerOtpRoutes}.
 *
 * ```ts
 * // convex/auth.ts
 * export const authRequest = authRequestMutation(createAuth);
 * // convex/http.ts
 * registerOtpRoutes(http, { createAuth, authRequest: internal.auth.authRequest });
 * ```
 */
export function authRequestMutation(
  createAuth: CreateAuth,
): RegisteredMutation<"internal", AuthRequestArgs, Promise<AuthRequestResult>> {
  return internalMutationGeneric({
    args: authRequestArgs,
    returns: authRequestReturns,
    handler: async (ctx, { op }): Promise<AuthRequestResult> => {
      if (op.kind === "request") return await runRequest(ctx, op, createAuth);
      if (op.kind === "undelivered") await dropUndelivered(ctx, op, createAuth);
      else await expireCode(ctx, op, createAuth);
      return null;
    },
  });
}

/**
 * What to change when the component's `user` table and the sign-up schema disagree (Convex's
 * validator names the field), or `undefined` for any other failure.
 */
export function userTableMismatch(message: string): string | undefined {
  // A deployment says "contains extra field `x`"; convex-test says "Unexpected field `x`".
  const extra = /(?:extra field|Unexpected field) `([^`]+)`/.exec(message)?.[1];
  if (extra) {
    return (
      `the sign-up field "${extra}" is not in the Better Auth component's user table: add it in ` +
      "convex/betterAuth/schema.ts (spread signUpUserFields(signUpFields) into the user table) and deploy"
    );
  }
  const unindexed = /index "([^"]+)" for table "user" because it is not declared/.exec(message)?.[1];
  if (unindexed) {
    return (
      `the Better Auth component's user table has no index "${unindexed}" for the sign-up field of that ` +
      "name: add it in convex/betterAuth/schema.ts (indexSignUpFields(userTable, signUpFields)) and deploy"
    );
  }
  const missing = /missing the required field `([^`]+)`/.exec(message)?.[1];
  if (missing) {
    return (
      `the Better Auth component's user table requires "${missing}", which the sign-up schema does not ` +
      "give: make it optional in convex/betterAuth/schema.ts, or add it to the sign-up fields"
    );
  }
  return undefined;
}

/**
 * The JSON answer for a request whose mutation failed and rolled back. Such failures arrive from the
 * user's insert (its onboarding trigger runs in the same transaction) or from the plugin itself:
 * - a deliberate rollback (`RollBack`) → its own answer;
 * - a step's `ConvexError({ code })` (recognised by shape) → that code, with the plugin's status for
 *   it, else 400;
 * - the component's unique check on `username` or `email` (lost a race) → 409 `USERNAME_TAKEN`,
 *   `EMAIL_TAKEN`;
 * - a user table that lags behind the sign-up schema → 500 `USER_TABLE_OUT_OF_DATE`, naming the fix;
 * - anything else → 500 `INTERNAL_ERROR`, the cause logged for the operator.
 */
export function answerForFailure(error: unknown): APIError {
  if (error instanceof RollBack) return error.answer;
  const data = codedErrorData(error);
  if (data) {
    const message = typeof data.message === "string" ? data.message : data.code;
    return new APIError(statusOf(data.code), { ...data, code: data.code, message });
  }
  const message = error instanceof Error ? error.message : String(error);
  // @convex-dev/better-auth's unique check throws `user <field> already exists`.
  if (message.includes(`user ${USERNAME_FIELD} already exists`)) {
    return APIError.from(ERROR_STATUS.USERNAME_TAKEN, OTP_ONBOARDING_ERROR_CODES.USERNAME_TAKEN);
  }
  if (message.includes("user email already exists")) {
    return APIError.from(ERROR_STATUS.EMAIL_TAKEN, OTP_ONBOARDING_ERROR_CODES.EMAIL_TAKEN);
  }
  const schemaMismatch = userTableMismatch(message);
  if (schemaMismatch) {
    console.error(`[otp-onboarding] ${schemaMismatch}`);
    return pluginError("USER_TABLE_OUT_OF_DATE", { message: schemaMismatch });
  }
  console.error("[otp-onboarding] the auth request failed and was rolled back:", error);
  return APIError.from(ERROR_STATUS.INTERNAL_ERROR, OTP_ONBOARDING_ERROR_CODES.INTERNAL_ERROR);
}
