import { describe, expect, it } from "vitest";
import { canonicalMailbox } from "./limits";

describe("the mailbox an address reaches, as the limits count it", () => {
  it("ignores case and +tags everywhere, and dots at Gmail", () => {
    expect(canonicalMailbox("Ann.Lee+news@Example.com")).toBe("ann.lee@example.com");
    expect(canonicalMailbox("a.n.n+1@gmail.com")).toBe("ann@gmail.com");
    expect(canonicalMailbox("Ann@GoogleMail.com")).toBe("ann@gmail.com");
  });

  it("keeps what it cannot read as it is, lower-cased", () => {
    expect(canonicalMailbox("+tag@example.com")).toBe("+tag@example.com");
    expect(canonicalMailbox("not-an-address")).toBe("not-an-address");
  });
});
