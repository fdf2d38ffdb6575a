import * as z from "zod";

/** A sign-up schema with one field of each kind, for the tests of what is derived from it. */
export const fieldsOfEachKind = z.object({
  username: z.string().trim().min(3),
  name: z.string().optional(),
  email: z.string(),
  age: z.number().int().optional(),
  newsletter: z.boolean().default(false),
  birthday: z.date().nullable(),
  plan: z.enum(["free", "pro"]),
});
