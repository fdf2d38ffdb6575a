/** The component's `user` table fields and indexes, derived from the sign-up schema. */
import type { TableDefinition } from "convex/server";
import { zodOutputToConvex } from "convex-helpers/server/zod4";
import { v, type GenericValidator, type Validator } from "convex/values";
import type * as z from "zod";
import type { SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { fieldType, INVITE_FIELD, isCoreUserField, USERNAME_FIELD, type CoreUserField } from "../shared/user-fields.js";

/** The Convex validators of the fields a sign-up schema adds to Better Auth's `user` table. */
export type SignUpUserFields<Fields extends SignUpFieldsSchema> = {
  [K in Exclude<keyof Fields["shape"], CoreUserField | typeof INVITE_FIELD> & string]: undefined extends z.output<
    Fields["shape"][K]
  >
    ? Validator<z.output<Fields["shape"][K]> | null | undefined, "optional">
    : Validator<z.output<Fields["shape"][K]>, "required">;
};

/**
 * The Convex validators for the sign-up fields, derived from the same Zod schema the plugin
 * validates with, to spread into the Better Auth component's `user` table. The stored value is
 * what Zod gives after parsing (trimmed, defaulted); an optional field may be absent or `null`, as
 * Better Auth writes it; a date is stored as milliseconds, as Better Auth's Convex adapter does. Better Auth's own fields (`name`, `email`, `image`) are left to its schema.
 *
 * ```ts
 * // convex/betterAuth/schema.ts
 * user: indexSignUpFields(
 *   defineTable({ name: v.string(), email: v.string(), ...signUpUserFields(signUpFields) }),
 *   signUpFields,
 * ),
 * ```
 */
export function signUpUserFields<Fields extends SignUpFieldsSchema>(
  fields: Fields,
): SignUpUserFields<Fields> {
  const entries = Object.entries(fields.shape)
    .filter(([key]) => !isCoreUserField(key) && key !== INVITE_FIELD)
    .map(([key, field]) => {
      const schema = field as z.ZodType;
      if (fieldType(schema) === "date") return [key, storedDate(schema)];
      const validator: GenericValidator = zodOutputToConvex(schema);
      // Optional in, optional or null out: `v.optional(v.union(<type>, v.null()))`.
      return [key, validator.isOptional === "optional" ? zodOutputToConvex(schema.nullable()) : validator];
    });
  return Object.fromEntries(entries) as SignUpUserFields<Fields>;
}

/** A date field as Better Auth's Convex adapter stores it: milliseconds since the epoch. */
function storedDate(schema: z.ZodType): GenericValidator {
  if (schema.safeParse(undefined).success) return v.optional(v.union(v.number(), v.null()));
  return schema.safeParse(null).success ? v.union(v.number(), v.null()) : v.number();
}

/**
 * Adds the indexes the plugin reads by to the `user` table: `username` (unique at sign-up, looked
 * up on every early check) when the sign-up schema has one.
 */
export function indexSignUpFields<Table extends TableDefinition>(
  table: Table,
  fields: SignUpFieldsSchema,
): Table {
  if (!Object.hasOwn(fields.shape, USERNAME_FIELD)) return table;
  return (table as unknown as { index(name: string, fields: string[]): Table }).index(USERNAME_FIELD, [
    USERNAME_FIELD,
  ]);
}
