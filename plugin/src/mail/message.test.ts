import { describe, expect, it } from "vitest";
import type { OtpMail } from "./sender";
import { composeOtpMessage, otpMessage } from "./message";

const mail: OtpMail = {
  to: "ann@example.com",
  otp: "482913",
  type: "sign-in",
  expiresInMinutes: 5,
  appName: "Acme",
};

describe("the code mail", () => {
  it("says what the code is for, by type", () => {
    expect(otpMessage(mail).text).toContain("Your code to sign in to Acme:");
    expect(otpMessage({ ...mail, type: "forget-password" }).text).toContain("reset your Acme password");
    expect(otpMessage({ ...mail, type: "email-verification" }).subject).toBe("Your Acme verification code");
  });

  it("carries the link when the mail has one, escaped in HTML, and none otherwise", () => {
    const link = "https://app.example/code#email=ann%40example.com&otp=482913&type=sign-in";
    const withLink = otpMessage({ ...mail, link });
    expect(withLink.text).toContain(`    ${link}`);
    expect(withLink.html).toContain(`href="${link.replaceAll("&", "&#38;")}"`);
    expect(otpMessage(mail).text).not.toContain("http");
    expect(otpMessage(mail).html).not.toContain("href");
  });

  it("says what a fresh code confirms", () => {
    expect(otpMessage({ ...mail, type: "delete-account" }).text).toContain("delete your Acme account");
    expect(otpMessage({ ...mail, type: "confirm-email-change" }).text).toContain("change the email address of your Acme account");
  });

  it("counts the validity in words a person reads", () => {
    expect(otpMessage({ ...mail, expiresInMinutes: 1 }).text).toContain("valid for 1 minute and");
    expect(otpMessage(mail).html).toContain("valid for 5 minutes and");
  });

  it("keeps the default parts an override leaves out or leaves undefined", () => {
    const message = composeOtpMessage(mail, () => ({ subject: "Hi", html: undefined }));
    expect(message.subject).toBe("Hi");
    expect(message.html).toBe(otpMessage(mail).html);
    expect(message.text).toBe(otpMessage(mail).text);
  });
});
