import { describe, expect, it } from "vitest";
import { z } from "zod";
import { components } from "../../convex/_generated/api";
import { devMailbox, otpOnboarding, type ConvexCtx, type OtpSender } from "convex-otp-onboarding";
import { mailboxJson, usesDevMailbox } from "./dev-mailbox";

const fields = z.object({ username: z.string() });
// These plugins answer no request, so their ctx is never used.
const wiring = { ctx: {} as ConvexCtx, rateLimiter: components.rateLimiter };
const mail = { otp: "123456", type: "sign-in" as const, expiresInMinutes: 5, appName: "Test" };

describe("the dev mailbox routes", () => {
  it("exist when the dev mailbox sends the codes, and not with another sender", () => {
    const other: OtpSender = { name: "Postmark", send: async () => {} };
    expect(
      usesDevMailbox({ plugins: [otpOnboarding({ ...wiring, fields, sender: devMailbox() })] }),
    ).toBe(true);
    expect(
      usesDevMailbox({ plugins: [otpOnboarding({ ...wiring, fields, sender: other })] }),
    ).toBe(false);
    expect(usesDevMailbox({})).toBe(false);
  });

  it("list the mails newest first, as { to, subject, otp, type, sentAt }", async () => {
    const sender = devMailbox();
    await sender.send({ ...mail, to: "first@example.com" });
    await sender.send({ ...mail, to: "second@example.com" });
    const mails = await mailboxJson().json();
    expect(mails.slice(0, 2).map((m: { to: string }) => m.to)).toEqual([
      "second@example.com",
      "first@example.com",
    ]);
    expect(Object.keys(mails[0]).sort()).toEqual(["otp", "sentAt", "subject", "to", "type"]);
  });
});
