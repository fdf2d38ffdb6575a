import { afterEach, describe, expect, it, vi } from "vitest";
import { devMailbox, readDevMailbox } from "./dev-mailbox";

const mail = { otp: "123456", type: "sign-in" as const, expiresInMinutes: 5, appName: "Test" };

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** Every line the dev mailbox logs while `run` runs, whatever the level. */
async function logged(run: () => Promise<unknown>) {
  const lines: string[] = [];
  for (const level of ["log", "info", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args) => void lines.push(args.join(" ")));
  }
  const outcome = await run().then(
    () => undefined,
    (error: unknown) => error,
  );
  return { text: lines.join("\n"), error: outcome as Error | undefined };
}

// What Convex itself sets on every backend it runs functions on (`CONVEX_CLOUD_URL`, a system
// variable), by kind of backend, and the words the log must use for it.
const BACKENDS = [
  { kind: "a Convex cloud deployment", url: "https://happy-otter-123.convex.cloud", says: /Convex cloud deployment https:\/\/happy-otter-123\.convex\.cloud/ },
  { kind: "`npx convex dev --local`", url: "http://127.0.0.1:3210", says: /local Convex backend http:\/\/127\.0\.0\.1:3210 \(npx convex dev --local/ },
  { kind: "a self-hosted backend", url: "https://convex.example.com", says: /self-hosted Convex backend https:\/\/convex\.example\.com/ },
] as const;

describe("devMailbox on a Convex backend", () => {
  for (const backend of BACKENDS) {
    it(`refuses to swallow codes on ${backend.kind}, says which backend it saw and what to configure`, async () => {
      vi.stubEnv("CONVEX_CLOUD_URL", backend.url);
      const to = `refused-${backend.url.length}@example.com`;
      const { error } = await logged(() => devMailbox({ printCodes: true, logAddresses: true }).send({ ...mail, to }));
      expect(error?.message).toMatch(backend.says);
      expect(error?.message).toMatch(/resendSender.*allowOnDeployment/s);
      expect(readDevMailbox().some((m) => m.to === to)).toBe(false);
    });

    it(`never logs a code or a full address on ${backend.kind}, even when allowed to keep codes`, async () => {
      vi.stubEnv("CONVEX_CLOUD_URL", backend.url);
      const sender = devMailbox({ allowOnDeployment: true, printCodes: true, logAddresses: true });
      const { text, error } = await logged(() => sender.send({ ...mail, to: "anna@example.com" }));
      expect(error).toBeUndefined();
      expect(text).toMatch(backend.says);
      expect(text).toContain("NOT delivered");
      expect(text).toContain("a***@example.com");
      expect(text).not.toContain("anna@example.com");
      expect(text).not.toContain(mail.otp);
    });
  }
});

describe("devMailbox where no Convex backend runs (convex-test, the example's runtime)", () => {
  it("keeps codes, even with a site URL set by the test kit or the runtime", async () => {
    vi.stubEnv("CONVEX_CLOUD_URL", "");
    vi.stubEnv("CONVEX_SITE_URL", "http://127.0.0.1:3211");
    vi.spyOn(console, "log").mockImplementation(() => {});
    await devMailbox().send({ ...mail, to: "local@example.com" });
    expect(readDevMailbox()[0]?.to).toBe("local@example.com");
  });
});

describe("devMailbox's log line", () => {
  const loggedFor = async (to: string, options?: Parameters<typeof devMailbox>[0]) => {
    vi.stubEnv("CONVEX_CLOUD_URL", "");
    return (await logged(() => devMailbox(options).send({ ...mail, to }))).text;
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

  it("prints the code with printCodes", async () => {
    expect(await loggedFor("ann@example.com", { printCodes: true })).toContain(`: ${mail.otp}`);
  });

  it("masks the address in production even with logAddresses", async () => {
    vi.stubEnv("NODE_ENV", "production");
    const line = await loggedFor("anna@example.com", { logAddresses: true, printCodes: true });
    expect(line).toContain("a***@example.com");
    expect(line).not.toContain("anna@");
    expect(line).not.toContain(mail.otp);
  });
});
