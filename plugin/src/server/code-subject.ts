import type { HookEndpointContext } from "@better-auth/core";
import { getSessionFromCtx } from "better-auth/api";
import type { OtpType } from "../mail/sender.js";
import { asRecord, emailSchema, toSignUpIssues } from "../shared/sign-up-schema.js";
import { invalidSignUpParams } from "./sign-up-errors.js";
import type { LimitSubject } from "./limits.js";
import type { ServedRoute } from "./routes.js";
import { codeIdentifier } from "./stored-code.js";

/** The code a request sends or checks: whose mailbox, for what, and the row it is kept in. */
export type CodeSubject = LimitSubject & { identifier: string };

/**
 * The code a send or check route is about, or `undefined` when the body names no purpose (Better
 * Auth then refuses the request itself, and nothing is spent). A malformed address answers 400
 * `INVALID_SIGNUP_PARAMS` before any code is looked at. An email change is about the new address,
 * and its code is kept under the current and the new one.
 */
export async function codeSubject(
  ctx: HookEndpointContext,
  route: ServedRoute,
  ip: string | null,
): Promise<CodeSubject | undefined> {
  const purpose: OtpType | undefined = route.codePurpose;
  if (!purpose) return undefined;
  const body = asRecord(ctx.body);
  const field = purpose === "change-email" ? "newEmail" : "email";
  const parsed = emailSchema.safeParse(body[field]);
  if (!parsed.success) {
    throw invalidSignUpParams(toSignUpIssues(parsed.error).map((issue) => ({ ...issue, path: field })));
  }
  const email = parsed.data;
  const current =
    purpose === "change-email" ? (await getSessionFromCtx(ctx as Parameters<typeof getSessionFromCtx>[0]))?.user.email.toLowerCase() : undefined;
  if (purpose === "change-email" && !current) return undefined;
  return { email, purpose, ip, identifier: codeIdentifier(purpose, email, current) };
}

/** The request's body with its address (`email`, or `newEmail` for an email change) as given. */
export function withAddress(ctx: HookEndpointContext, email: string): Record<string, unknown> {
  const body = asRecord(ctx.body);
  return { ...body, [Object.hasOwn(body, "newEmail") ? "newEmail" : "email"]: email };
}
