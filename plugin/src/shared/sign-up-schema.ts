// Namespace import: lets the bundler drop the parts of Zod we do not use.
import * as z from "zod";
import { textIssue } from "./visible-text.js";

/** The sign-up fields a consumer declares: one Zod object shared by client and server. */
export type SignUpFieldsSchema = z.ZodObject<z.ZodRawShape>;

/** One bad field, as the routes report it: `{ path: "username", message: "..." }`. */
export type SignUpIssue = { path: string; message: string };

/** The longest address SMTP can deliver to (RFC 5321 path limit, less the angle brackets). */
export const MAX_EMAIL_LENGTH = 254;

/** The longest local part (before the `@`) SMTP can deliver to (RFC 5321). */
export const MAX_LOCAL_PART_LENGTH = 64;

const INVALID_EMAIL = "Enter a valid email address";

/**
 * An email as the plugin stores it: trimmed, lower-cased, well-formed and deliverable in length
 * (a local part over 64 characters is no address a server must accept: refused as malformed).
 */
export const emailSchema = z
  .string({ error: "Enter your email address" })
  .trim()
  .min(1, { error: "Enter your email address", abort: true })
  .max(MAX_EMAIL_LENGTH, { error: `Use at most ${MAX_EMAIL_LENGTH} characters`, abort: true })
  .toLowerCase()
  .refine((email) => email.lastIndexOf("@") <= MAX_LOCAL_PART_LENGTH, { error: INVALID_EMAIL, abort: true })
  .pipe(z.email({ error: INVALID_EMAIL }));

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
 * The issues of the sign-up fields in `values` that are text no one can read (control or format
 * characters, nothing visible): a rule the plugin holds every sign-up field to, whatever its schema.
 */
export function hiddenTextIssues(fields: SignUpFieldsSchema, values: Record<string, unknown>): SignUpIssue[] {
  return Object.keys(fields.shape).flatMap((path) => {
    const value = values[path];
    const message = typeof value === "string" ? textIssue(value) : undefined;
    return message ? [{ path, message }] : [];
  });
}

/**
 * Validates the email and the sign-up fields of a request body: the Zod schema, and readable text.
 * `partial` checks only the fields that are present (an early check before the code is sent);
 * `withEmail: false` leaves the email out (a profile update). One issue per field at most.
 */
export function parseSignUp(
  fields: SignUpFieldsSchema,
  body: Record<string, unknown>,
  { partial, withEmail = true }: { partial: boolean; withEmail?: boolean },
): ParsedSignUp {
  const present = partial ? fields.partial() : fields;
  const schema = withEmail ? present.extend({ email: emailSchema }) : present;
  const result = schema.safeParse(body);
  const hidden = hiddenTextIssues(fields, body);
  if (result.success && hidden.length === 0) {
    const { email, ...data } = result.data as { email?: string } & Record<string, unknown>;
    return { success: true, email: email ?? "", data };
  }
  // The schema's own messages first; unreadable text only where the schema found nothing wrong.
  const zodIssues = result.success ? [] : toSignUpIssues(result.error);
  const issues = [...zodIssues, ...hidden.filter((issue) => !zodIssues.some((other) => other.path === issue.path))];
  return { success: false, issues };
}
