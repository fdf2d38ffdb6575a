// Namespace import: lets the bundler drop the parts of Zod we do not use.
import * as z from "zod";

/** The sign-up fields a consumer declares: one Zod object shared by client and server. */
export type SignUpFieldsSchema = z.ZodObject<z.ZodRawShape>;

/** One bad field, as the routes report it: `{ path: "username", message: "..." }`. */
export type SignUpIssue = { path: string; message: string };

/** An email as the plugin stores it: trimmed, lower-cased and well-formed. */
export const emailSchema = z
  .string({ error: "Enter your email address" })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "Enter a valid email address" }));

/**
 * Zod issues flattened to `{ path, message }`, the shape forms show next to their fields.
 *
 * ```ts
 * const parsed = profileUpdate.safeParse(args);
 * if (!parsed.success) throw onboardingError("INVALID_SIGNUP_PARAMS", { issues: toSignUpIssues(parsed.error) });
 * ```
 */
export function toSignUpIssues(error: z.ZodError): SignUpIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}

/** Reads an untrusted body as a plain object, so that a JSON array or string is treated as empty. */
export function asRecord(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === "object" && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

/** Whether the body carries any of the declared sign-up fields. */
export function hasSignUpFields(fields: SignUpFieldsSchema, body: Record<string, unknown>) {
  return Object.keys(fields.shape).some((key) => Object.hasOwn(body, key));
}

/** The outcome of {@link parseSignUp}: the email and fields, or one issue per bad field. */
export type ParsedSignUp =
  | { success: true; email: string; data: Record<string, unknown> }
  | { success: false; issues: SignUpIssue[] };

/**
 * Validates the email and the sign-up fields of a request body.
 * `partial` checks only the fields that are present (an early check before the code is sent).
 */
export function parseSignUp(
  fields: SignUpFieldsSchema,
  body: Record<string, unknown>,
  { partial }: { partial: boolean },
): ParsedSignUp {
  const schema = (partial ? fields.partial() : fields).extend({ email: emailSchema });
  const result = schema.safeParse(body);
  if (!result.success) return { success: false, issues: toSignUpIssues(result.error) };
  const { email, ...data } = result.data as { email: string } & Record<string, unknown>;
  return { success: true, email, data };
}
