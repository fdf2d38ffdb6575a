import type * as z from "zod";
import type { SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { isCoreUserField, USERNAME_FIELD, type CoreUserField } from "../shared/user-fields.js";

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
  [K in Exclude<keyof z.output<Fields>, CoreUserField> & string]: {
    type: FieldType<NonNullable<z.output<Fields>[K]>>;
    required: undefined extends z.output<Fields>[K] ? false : true;
    unique: K extends typeof USERNAME_FIELD ? true : false;
    input: true;
  };
};

function fieldType(schema: z.ZodType): string {
  // Unwrap optional/nullable/default/pipe layers down to the value's own type.
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

/** Derives the Better Auth `user` fields that the plugin declares from the Zod sign-up schema. */
export function userFieldsOf<Fields extends SignUpFieldsSchema>(
  fields: Fields,
): UserFieldsOf<Fields> {
  const entries = Object.entries(fields.shape)
    .filter(([key]) => !isCoreUserField(key))
    .map(([key, schema]) => [
      key,
      {
        type: fieldType(schema as z.ZodType),
        required: !(schema as z.ZodType).safeParse(undefined).success,
        unique: key === USERNAME_FIELD,
        input: true,
      },
    ]);
  return Object.fromEntries(entries) as UserFieldsOf<Fields>;
}
