/**
 * The reference backend's sign-up switches as `npm start` reads them from its environment:
 * `OTP_SIGN_UP`, `OTP_SIGN_UP_ALLOW` and `OTP_REVIEW_ACCOUNTS`. Each case starts the runtime of its
 * own with those variables (the app is already built by the suite's runtime), and stops it after.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConvexHttpClient } from "convex/browser";
import { afterEach, describe, expect, it } from "vitest";
import { api } from "../../convex/_generated/api";
import { mailbox, postAuth, uniqueEmail } from "../test/auth-over-http";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** Starts the runtime with `env`: its URL once it listens, or what it printed if it exited first. */
async function runtimeWith(env: Record<string, string>): Promise<{ url?: string; exit?: { code: number | null; output: string } }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repo, "node_modules/tsx/dist/cli.mjs"), "example/runtime/main.ts"], {
    cwd: repo,
    env: { ...process.env, ...env, PORT: String(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  stops.push(async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    process.kill(-child.pid, "SIGTERM");
    await exited;
  });
  let output = "";
  return await new Promise((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) resolve({ url: match[1]! });
    });
    child.stderr.on("data", (chunk: Buffer) => void (output += chunk.toString()));
    child.once("exit", (code) => resolve({ exit: { code, output } }));
  });
}

describe("the sign-up switches of npm start", { timeout: 90_000 }, () => {
  it("OTP_SIGN_UP=invite with OTP_SIGN_UP_ALLOW: the form is told to ask for an invite; an unlisted address gets a notice, a listed one a code", async () => {
    const { url } = await runtimeWith({ OTP_SIGN_UP: "invite", OTP_SIGN_UP_ALLOW: "@acme.test" });
    const base = url!;
    expect(await new ConvexHttpClient(base, { logger: false }).query(api.invites.signUpMode, {})).toEqual({ mode: "invite", asksForInvite: true });
    const outsider = uniqueEmail("eve");
    const listed = `ann-${Date.now().toString(36)}@acme.test`;
    for (const email of [outsider, listed]) {
      const response = await postAuth(base, "/email-otp/send-verification-otp", { email, type: "sign-in", username: "someone" });
      expect([response.status, await response.json()]).toEqual([200, { success: true }]);
    }
    const mails = await mailbox(base);
    expect(mails.find((mail) => mail.to === outsider)).toMatchObject({ type: "sign-up-closed", otp: "" });
    expect(mails.find((mail) => mail.to === listed)).toMatchObject({ type: "sign-in", otp: expect.stringMatching(/^\d{6}$/) });
  });

  it("OTP_REVIEW_ACCOUNTS: the review address signs up with its fixed code and is mailed nothing", async () => {
    const { url } = await runtimeWith({ OTP_SIGN_UP: "waitlist", OTP_REVIEW_ACCOUNTS: "review@example.com:246810" });
    const base = url!;
    expect((await postAuth(base, "/email-otp/send-verification-otp", { email: "review@example.com", type: "sign-in" })).status).toBe(200);
    const signedIn = await postAuth(base, "/sign-in/email-otp", { email: "review@example.com", otp: "246810", username: "reviewer" });
    expect(signedIn.status).toBe(200);
    expect((await mailbox(base)).filter((mail) => mail.to === "review@example.com")).toEqual([]);
  });

  it("does not come up on a mode it cannot read, and says which", async () => {
    const bad = await runtimeWith({ OTP_SIGN_UP: "closed" });
    expect(bad.url).toBeUndefined();
    expect(bad.exit?.output).toMatch(/OTP_SIGN_UP: unknown mode "closed"/);
  });
});
