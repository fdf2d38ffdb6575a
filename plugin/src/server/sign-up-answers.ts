import type { HookEndpointContext } from "@better-auth/core";
import { APIError, createAuthMiddleware } from "better-auth/api";
import type * as z from "zod";
import { asRecord, parseSignUp, type SignUpFieldsSchema, type SignUpIssue } from "../shared/sign-up-schema.js";
import { textIssue } from "../shared/visible-text.js";
import { RollBack } from "./rollback.js";
import { invalidSignUpParams } from "./sign-up-errors.js";

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

/**
 * Better Auth's `user.create.before` and `user.update.before` hook for the one sign-up field it
 * keeps apart, `name`: the same Zod rule and readable text as the others, on every write of it. An
 * empty name at sign-up is no name (Better Auth writes `""`).
 */
export function nameRule(fields: SignUpFieldsSchema) {
  const schema = fields.shape["name"] as z.ZodType | undefined;
  return async (user: { name?: string } & Record<string, unknown>) => {
    if (!schema || !Object.hasOwn(user, "name")) return;
    const given = user.name === "" ? undefined : user.name;
    const hidden = typeof given === "string" ? textIssue(given) : undefined;
    const parsed = schema.safeParse(given);
    const message = hidden ?? (parsed.success ? undefined : parsed.error.issues[0]?.message);
    if (message) throw invalidSignUpParams([{ path: "name", message }]);
    return { data: { ...user, name: typeof parsed.data === "string" ? parsed.data : "" } };
  };
}
