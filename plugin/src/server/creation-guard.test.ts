import { describe, expect, it, vi } from "vitest";
import { ForeignConvexError } from "../shared/convex-error.fixture";
import { userCreationError } from "./creation-guard";

describe("the answer to a failed user insert", () => {
  it("is a step's own code with status 400, whichever copy of convex made the ConvexError", () => {
    const error = userCreationError(new ForeignConvexError({ code: "MY_CODE", message: "Not today" }));
    expect(error.statusCode).toBe(400);
    expect(error.body).toMatchObject({ code: "MY_CODE", message: "Not today" });
  });

  it("names the field and the file when the component's user table lacks a sign-up field", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const error = userCreationError(
      new Error("ArgumentValidationError: Object contains extra field `company` that is not in the validator."),
    );
    expect(error.statusCode).toBe(500);
    expect(error.body).toMatchObject({ code: "USER_TABLE_OUT_OF_DATE" });
    expect(error.body?.message).toMatch(/"company".*convex\/betterAuth\/schema\.ts/);
    log.mockRestore();
  });
});
