import { describe, expect, it } from "vitest";
import { ForeignConvexError } from "../shared/convex-error.fixture";
import { isOnboardingError, onboardingError } from "./errors";

describe("the plugin's ConvexErrors", () => {
  it("carry the code and its standard message, plus details", () => {
    const error = onboardingError("INVALID_SIGNUP_PARAMS", { issues: [] });
    expect(error.data).toEqual({ code: "INVALID_SIGNUP_PARAMS", message: "Invalid sign-up parameters", issues: [] });
    expect(isOnboardingError(error)).toBe(true);
  });

  it("are recognised when another copy of convex made them, and a consumer's own codes are not the plugin's", () => {
    expect(isOnboardingError(new ForeignConvexError({ code: "FORBIDDEN", message: "x" }))).toBe(true);
    expect(isOnboardingError(new ForeignConvexError({ code: "MY_CODE" }))).toBe(false);
  });
});
