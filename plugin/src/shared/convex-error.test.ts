import { ConvexError } from "convex/values";
import { describe, expect, it } from "vitest";
import { codedErrorData } from "./convex-error";
import { ForeignConvexError } from "./convex-error.fixture";

describe("ConvexErrors by shape", () => {
  it("reads the code of this copy's ConvexError and of another copy's alike", () => {
    const foreign = new ForeignConvexError({ code: "MY_CODE", message: "Mine" });
    expect(foreign).not.toBeInstanceOf(ConvexError);
    expect(codedErrorData(foreign)).toEqual({ code: "MY_CODE", message: "Mine" });
    expect(codedErrorData(new ConvexError({ code: "MY_CODE" }))).toEqual({ code: "MY_CODE" });
  });

  it("reads an error rebuilt with only its name and data, as after crossing a function boundary", () => {
    const rebuilt = Object.assign(new Error("{}"), { name: "ConvexError", data: { code: "MY_CODE" } });
    expect(codedErrorData(rebuilt)?.code).toBe("MY_CODE");
  });

  it("ignores plain errors, string data and data without a string code", () => {
    expect(codedErrorData(new Error("boom"))).toBeUndefined();
    expect(codedErrorData(new ConvexError("just a message"))).toBeUndefined();
    expect(codedErrorData(new ConvexError({ code: 42 }))).toBeUndefined();
    expect(codedErrorData({ data: { code: "X" } })).toBeUndefined();
    expect(codedErrorData(null)).toBeUndefined();
  });
});
