import { describe, expect, it } from "vitest";
import * as z from "zod";
import { fieldsOfEachKind as fields } from "../shared/sign-up-fields.fixture";
import { userFieldsOf } from "./plugin";

describe("Better Auth user fields from the sign-up schema", () => {
  it("declares every field but Better Auth's own, with its type and whether it is required", () => {
    const validator = { input: expect.objectContaining({ "~standard": expect.any(Object) }) };
    expect(userFieldsOf(fields)).toEqual({
      username: { type: "string", required: true, unique: true, input: true, validator },
      age: { type: "number", required: false, unique: false, input: true, validator },
      newsletter: { type: "boolean", required: false, unique: false, input: true, validator },
      birthday: { type: "date", required: true, unique: false, input: true, validator },
      plan: { type: "string", required: true, unique: false, input: true, validator },
    });
  });

  it("validates each field as Better Auth writes it: readable text, then the field's own schema and output", async () => {
    const { username } = userFieldsOf(z.object({ username: z.string().trim().min(3) })) as unknown as {
      username: { validator: { input: { "~standard": { validate(value: unknown): unknown } } } };
    };
    const validate = (value: unknown) => username.validator.input["~standard"].validate(value);
    expect(await validate("  ann ")).toEqual({ value: "ann" });
    expect(await validate("an")).toMatchObject({ issues: [expect.anything()] });
    expect(await validate("ann\u202E")).toEqual({ issues: [{ message: "Use visible characters only" }] });
  });
});
