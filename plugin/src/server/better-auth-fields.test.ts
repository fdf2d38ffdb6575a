import { describe, expect, it } from "vitest";
import * as z from "zod";
import { userFieldsOf } from "./better-auth-fields";

describe("Better Auth user fields from the sign-up schema", () => {
  it("declares every field but Better Auth's own, with its type and whether it is required", () => {
    const fields = z.object({
      username: z.string().trim().min(3),
      name: z.string().optional(),
      email: z.string(),
      age: z.number().int().optional(),
      newsletter: z.boolean().default(false),
      birthday: z.date().nullable(),
      plan: z.enum(["free", "pro"]),
    });
    expect(userFieldsOf(fields)).toEqual({
      username: { type: "string", required: true, unique: true, input: true },
      age: { type: "number", required: false, unique: false, input: true },
      newsletter: { type: "boolean", required: false, unique: false, input: true },
      birthday: { type: "date", required: true, unique: false, input: true },
      plan: { type: "string", required: true, unique: false, input: true },
    });
  });
});
