import type * as z from "zod";
import type { SignUpFieldsSchema } from "../shared/sign-up-schema.js";
import { fieldType, isCoreUserField, USERNAME_FIELD, type CoreUserField } from "../shared/user-fields.js";
import { textIssue } from "../shared/visible-text.js";

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

/**
 * The field's own schema, as Better Auth runs it on every write of the field (sign-up and
 * `/update-user`): readable text first, then Zod, whose output (trimmed, defaulted) is stored.
 */
/** A Standard Schema (https://standardschema.dev), as Better Auth's field validators take it. */
type StandardSchema = { "~standard": Pick<z.ZodType["~standard"], "version" | "vendor" | "validate"> };

function fieldValidator(schema: z.ZodType): StandardSchema {
  return {
    "~standard": {
      version: 1,
      vendor: "convex-otp-onboarding",
      validate(value: unknown) {
        const hidden = typeof value === "string" ? textIssue(value) : undefined;
        if (hidden) return { issues: [{ message: hidden }] };
        return schema["~standard"].validate(value);
      },
    },
  };
}

/**
 * Derives the Better Auth `user` fields that the plugin declares from the Zod sign-up schema, each
 * with its schema as Better Auth's validator.
 */
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
        validator: { input: fieldValidator(schema as z.ZodType) },
      },
    ]);
  return Object.fromEntries(entries) as UserFieldsOf<Fields>;
}
