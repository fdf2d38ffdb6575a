import { describe, expect, it, vi } from "vitest";
import { ForeignConvexError } from "../shared/convex-error.fixture";
import { answerForFailure } from "./auth-request";

describe("the answer to a failed auth request", () => {
  it("is a step's own code with status 400, whichever copy of convex made the ConvexError", () => {
    const error = answerForFailure(new ForeignConvexError({ code: "MY_CODE", message: "Not today" }));
    expect(error.statusCode).toBe(400);
    expect(error.body).toMatchObject({ code: "MY_CODE", message: "Not today" });
  });

  it("names the field and the file when the component's user table lacks a sign-up field", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const error = answerForFailure(
      new Error("ArgumentValidationError: Object contains extra field `company` that is not in the validator."),
    );
    expect(error.statusCode).toBe(500);
    expect(error.body).toMatchObject({ code: "USER_TABLE_OUT_OF_DATE" });
    expect(error.body?.message).toMatch(/"company".*convex\/betterAuth\/schema\.ts/);
    log.mockRestore();
  });

  it("answers a lost race for a username with 409 USERNAME_TAKEN, anything else with a logged 500", () => {
    expect(answerForFailure(new Error("user username already exists")).body).toMatchObject({
      code: "USERNAME_TAKEN",
    });
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(answerForFailure(new Error("disk full")).statusCode).toBe(500);
    expect(log).toHaveBeenCalled();
    log.mockRestore();
  });
});
