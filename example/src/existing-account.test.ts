import { describe, expect, it } from "vitest";
import { existingAccountNotice } from "./existing-account";

const now = Date.now();
const typed = { username: "ann_new", name: "Ann New" };

describe("existingAccountNotice", () => {
  it("says nothing for the account just created with what was typed", () => {
    expect(existingAccountNotice(typed, { ...typed, createdAt: now }, now)).toBeUndefined();
  });

  it("says the typed username and display name were not used when the account had others", () => {
    const notice = existingAccountNotice(typed, { username: "ann", name: "Ann", createdAt: now - 1000 }, now);
    expect(notice).toMatch(/already had an account.*were not used/);
  });

  it("says the account existed when it was made well before, even with the same fields", () => {
    const notice = existingAccountNotice(typed, { ...typed, createdAt: new Date(now - 3_600_000) }, now);
    expect(notice).toBe("This email already had an account, so you were signed in to it.");
  });

  it("does not compare a display name that was left empty", () => {
    expect(existingAccountNotice({ username: "ann" }, { username: "ann", name: "", createdAt: now }, now)).toBeUndefined();
  });
});
