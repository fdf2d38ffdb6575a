/**
 * The plugin's error answers: its `APIError`s (each code with its status and message), the rollback
 * that still answers, refused sign-up fields as one issue per field, and a `code` on every error
 * its routes answer.
 */
import type { HookEndpointContext } from "@better-auth/core";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { ERROR_STATUS, OTP_ONBOARDING_ERROR_CODES, type OtpOnboardingErrorCode } from "../shared/error-codes.js";
import { asRecord, parseSignUp, type SignUpFieldsSchema, type SignUpIssue } from "../shared/sign-up-schema.js";
import { ROUTES } from "./routes.js";

/**
 * The plugin's `APIError` for `code`: its status, `{ code, message, ...details }` (the code's standard
 * message unless `details` gives one), and any headers.
 */
export function pluginError(
  code: OtpOnboardingErrorCode,
  details: Record<string, unknown> = {},
  headers?: Record<string, string>,
): APIError {
  const { message } = OTP_ONBOARDING_ERROR_CODES[code];
  return new APIError(ERROR_STATUS[code], { code, message, ...details }, headers);
}

/** The HTTP error for bad sign-up input: 400 `INVALID_SIGNUP_PARAMS` with one issue per field. */
export function invalidSignUpParams(issues: SignUpIssue[]): APIError {
  return pluginError("INVALID_SIGNUP_PARAMS", { issues });
}

/** 409 `USERNAME_TAKEN`. */
export const usernameTakenError = () =>
  APIError.from(ERROR_STATUS.USERNAME_TAKEN, OTP_ONBOARDING_ERROR_CODES.USERNAME_TAKEN);

/**
 * Thrown out of Better Auth to undo the request's transaction and still answer `answer`: a right
 * code was consumed before the answer was known to be a refusal (the new user's fields were
 * invalid), and the code must stay usable. The auth mutation catches it.
 */
export class RollBack extends Error {
  constructor(readonly answer: APIError) {
    super(answer.message);
    this.name = "RollBack";
  }
}

// Better Auth's own refusals of user input (its per-field validators run the Zod schema).
const FIELD_REFUSALS = new Set(["MISSING_FIELD", "VALIDATION_ERROR", "FIELD_NOT_ALLOWED", "INVALID_SIGNUP_PARAMS"]);

const on = (path: string) => (ctx: HookEndpointContext) => ctx.path === path;

/** One issue per field from Better Auth's message, when the Zod schema found nothing itself. */
function issuesOf(refusal: APIError, parsedIssues: SignUpIssue[]): SignUpIssue[] {
  if (parsedIssues.length > 0) return parsedIssues;
  const body = (refusal.body ?? {}) as { issues?: SignUpIssue[]; message?: string };
  return body.issues ?? [{ path: "", message: body.message ?? refusal.message }];
}

/**
 * Refused sign-up fields answer `INVALID_SIGNUP_PARAMS` with one issue per field, whoever refused
 * them (Better Auth's validators, or the `name` rule at the insert). On `/sign-in/email-otp` that
 * happens only with a right code for a new address, after the code was consumed: the answer rolls
 * the whole request back, so the person fixes a field and submits the same code again.
 */
export function signUpAnswers<Fields extends SignUpFieldsSchema>(fields: Fields) {
  const refusalOf = (ctx: HookEndpointContext, partial: boolean) => {
    const withEmail = !partial;
    const returned = ctx.context.returned;
    if (!(returned instanceof APIError)) return undefined;
    const code = (returned.body as { code?: unknown } | undefined)?.code;
    if (typeof code !== "string" || !FIELD_REFUSALS.has(code)) return undefined;
    const parsed = parseSignUp(fields, asRecord(ctx.body), { partial, withEmail });
    return invalidSignUpParams(issuesOf(returned, parsed.success ? [] : parsed.issues));
  };
  return [
    {
      matcher: on("/sign-in/email-otp"),
      handler: createAuthMiddleware(async (ctx) => {
        const refusal = refusalOf(ctx, false);
        if (refusal) throw new RollBack(refusal);
      }),
    },
    {
      matcher: on("/update-user"),
      handler: createAuthMiddleware(async (ctx) => {
        const refusal = refusalOf(ctx, true);
        if (refusal) throw refusal;
      }),
    },
  ];
}

/** The routes the plugin serves. */
const isPluginRoute = (ctx: HookEndpointContext) => Object.hasOwn(ROUTES, ctx.path ?? "");

/**
 * Every error answer of the plugin's routes carries a `code`, so clients can branch on it. A few of
 * Better Auth's answers have only a message (e.g. `{ type: "change-email" }` on the send route);
 * they get their HTTP status as the code, as Better Auth does for a body that is not JSON.
 */
export const errorAnswers = [
  {
    matcher: isPluginRoute,
    handler: createAuthMiddleware(async (ctx) => {
      const returned = ctx.context.returned;
      if (!(returned instanceof APIError)) return;
      const body = (returned.body ?? {}) as { code?: unknown; message?: unknown };
      if (typeof body.code === "string" && body.code) return;
      const code = String(returned.status);
      const message = typeof body.message === "string" && body.message ? body.message : code;
      throw new APIError(returned.status, { ...body, code, message }, returned.headers);
    }),
  },
];
