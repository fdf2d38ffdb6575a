import { describe, expect, it } from "vitest";
import { textIssue } from "./visible-text";

describe("text a person can read", () => {
  it("takes names in any script, with emoji sequences, and leaves blank text to the schema", () => {
    for (const name of ["Ann Lee", "Zoë", "李雷", "👨‍👩‍👧 Lee", "❤️‍🔥", "  "]) expect(textIssue(name)).toBeUndefined();
  });

  it("refuses control and format characters and lone surrogates", () => {
    for (const name of ["Ann\u0000", "Ann\u202Eeil", "\u200BAnn", "Ann\u2060", "\uFEFFAnn", "Ann\uD800"]) {
      expect(textIssue(name)).toBe("Use visible characters only");
    }
  });

  it("refuses text drawn as nothing", () => {
    for (const name of ["\u3164", "\u115F\u1160", "\uFFA0", "\u034F", "\u0301"]) {
      expect(textIssue(name)).toBe("Use at least one visible character");
    }
  });

  it("keeps line breaks in multi-line text only", () => {
    expect(textIssue("one\ntwo", { multiline: true })).toBeUndefined();
    expect(textIssue("one\ntwo")).toBe("Use visible characters only");
    expect(textIssue("one\u0007two", { multiline: true })).toBe("Use visible characters only");
  });
});
