import { v } from "convex/values";
import { describe, expect, it } from "vitest";
import { fieldsOfEachKind as fields } from "../shared/sign-up-fields.fixture";
import { signUpUserFields } from "./user-table";

describe("the user table fields from the sign-up schema", () => {
  it("derives a Convex validator per added field, leaving Better Auth's own fields to its schema", () => {
    // A validator's JSON form is what Convex compares schemas by.
    const json = (validators: object) =>
      Object.fromEntries(
        Object.entries(validators).map(([key, value]) => [key, (value as { json: unknown }).json]),
      );
    expect(json(signUpUserFields(fields))).toEqual(
      json({
        username: v.string(),
        age: v.optional(v.union(v.number(), v.null())),
        newsletter: v.boolean(),
        birthday: v.union(v.number(), v.null()),
        plan: v.union(v.literal("free"), v.literal("pro")),
      }),
    );
    expect(signUpUserFields(fields).age.isOptional).toBe("optional");
  });
});
