import type { z } from "zod";
import { codes, type AuthError } from "./auth-errors";

/** Field name → first message, from Zod issues or from the server's `issues: [{ path, message }]`. */
export type FieldErrors = Record<string, string>;

export function fieldErrorsOf(issues: readonly { path: string | PropertyKey[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = typeof issue.path === "string" ? issue.path : issue.path.map(String).join(".");
    errors[path] ??= issue.message;
  }
  return errors;
}

/** Validates `values` with `schema`: the parsed data, or the errors to show next to each field. */
export function validate<T extends z.ZodType>(schema: T, values: unknown) {
  const result = schema.safeParse(values);
  return result.success
    ? { data: result.data as z.output<T>, errors: undefined }
    : { data: undefined, errors: fieldErrorsOf(result.error.issues) };
}

/**
 * `errors` without the one for `key` once `value` passes that field's schema: a fixed field stops
 * saying it is wrong as soon as it is right, not at the next submit.
 */
export function withoutFixedError(errors: FieldErrors, schema: z.ZodObject, key: string, value: unknown): FieldErrors {
  const field = schema.shape[key] as z.ZodType | undefined;
  if (!(key in errors) || !field?.safeParse(value).success) return errors;
  const { [key]: _fixed, ...rest } = errors;
  return rest;
}

/** Field errors for a server answer; `undefined` when it concerns no field. */
export function fieldErrorsFromServer(error: AuthError): FieldErrors | undefined {
  if (error.code === codes.USERNAME_TAKEN.code) {
    return { username: "That username is taken. Try another." };
  }
  if (error.code === codes.INVITE_INVALID.code) {
    return { invite: "This invite code does not work: it may be mistyped, used up, expired, or for another address." };
  }
  if (error.code === codes.SIGN_UP_CLOSED.code) {
    return { invite: "New accounts need an invite here. Enter the code someone sent you." };
  }
  return error.issues?.length ? fieldErrorsOf(error.issues) : undefined;
}
