import { afterEach, describe, expect, it, vi } from "vitest";
import { devMailbox, readDevMailbox } from "./dev-mailbox";

const mail = { otp: "123456", type: "sign-in" as const, expiresInMinutes: 5, appName: "Test" };

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("devMailbox", () => {
  it("keeps codes locally, without a deployment URL or on a local backend", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    await devMailbox().send({ ...mail, to: "local@example.com" });
    vi.stubEnv("CONVEX_CLOUD_URL", "http://127.0.0.1:3210");
    await devMailbox().send({ ...mail, to: "local-backend@example.com" });
    expect(readDevMailbox().slice(0, 2).map((m) => m.to)).toEqual([
      "local-backend@example.com",
      "local@example.com",
    ]);
  });

  it("refuses to swallow codes on a Convex deployment, and says what to configure", async () => {
    vi.stubEnv("CONVEX_CLOUD_URL", "https://happy-otter-123.convex.cloud");
    const sent = devMailbox().send({ ...mail, to: "cloud@example.com" });
    await expect(sent).rejects.toThrow(/does not deliver on the Convex deployment.*resendSender.*allowOnDeployment/s);
    expect(readDevMailbox().some((m) => m.to === "cloud@example.com")).toBe(false);
  });

  it("keeps codes on a deployment when allowed, warning on every one that it was not delivered", async () => {
    vi.stubEnv("CONVEX_CLOUD_URL", "https://happy-otter-123.convex.cloud");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await devMailbox({ allowOnDeployment: true }).send({ ...mail, to: "kept@example.com" });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("NOT delivered"));
    expect(warn.mock.calls.flat().join(" ")).not.toContain(mail.otp);
  });
});

describe("devMailbox's log line", () => {
  const loggedFor = async (to: string, options?: Parameters<typeof devMailbox>[0]) => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await devMailbox(options).send({ ...mail, to });
    return log.mock.calls.flat().join(" ");
  };

  it("masks the address by default", async () => {
    const line = await loggedFor("anna@example.com");
    expect(line).toContain("a***@example.com");
    expect(line).not.toContain("anna@example.com");
  });

  it("shows the full address with logAddresses, so ann@ and anna@ can be told apart", async () => {
    expect(await loggedFor("ann@example.com", { logAddresses: true })).toContain("for ann@example.com");
    expect(await loggedFor("anna@example.com", { logAddresses: true })).toContain("for anna@example.com");
  });

  it("masks the address in production even with logAddresses", async () => {
    vi.stubEnv("NODE_ENV", "production");
    const line = await loggedFor("anna@example.com", { logAddresses: true, printCodes: true });
    expect(line).toContain("a***@example.com");
    expect(line).not.toContain("anna@");
    expect(line).not.toContain(mail.otp);
  });
});
