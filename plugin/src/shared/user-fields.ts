import type * as z from "zod";

/** Fields Better Auth already has on every user; the Zod schema may constrain them but adds nothing. */
export const CORE_USER_FIELDS = ["name", "email", "image"] as const;
export type CoreUserField = (typeof CORE_USER_FIELDS)[number];

/** The field that is unique across users and reported as `USERNAME_TAKEN`. */
export const USERNAME_FIELD = "username";

/**
 * The sign-up field that carries an invite code: validated with the others, checked by the sign-up
 * policy, and never stored on the user (a code is a secret).
 */
export const INVITE_FIELD = "invite";

/** Whether a sign-up key is one of Better Auth's own user fields rather than one the schema adds. */
export const isCoreUserField = (key: string): key is CoreUserField =>
  (CORE_USER_FIELDS as readonly string[]).includes(key);

/** The kind of value a sign-up field holds, as Better Auth names field types. */
export type FieldKind = "string" | "number" | "boolean" | "date" | "json";

/** What a Zod field holds, under its optional, nullable, default and pipe layers. */
export function fieldType(schema: z.ZodType): FieldKind {
  let current = schema as unknown as { def: { type: string; innerType?: unknown; in?: unknown } };
  while (current.def.innerType || current.def.in) {
    current = (current.def.innerType ?? current.def.in) as typeof current;
  }
  const type = current.def.type;
  if (type === "string" || type === "enum" || type === "literal") return "string";
  if (type === "number" || type === "int") return "number";
  if (type === "boolean") return "boolean";
  if (type === "date") return "date";
  return "json";
}
