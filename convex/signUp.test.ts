import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import { onboarding } from "./onboarding";
import { json, setup } from "./test.setup";

describe("sign-up by email code", () => {
  it("creates exactly one user and one profile with the given username", async () => {
    const { auth, written } = setup();
    const ann = await auth.signUp({ email: " Ann@Example.com ", username: "ann", name: "Ann Lee" });

    const { users, profiles } = await written();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ _id: ann.userId, email: "ann@example.com", username: "ann", name: "Ann Lee", emailVerified: true });
    expect(profiles).toHaveLength(1);
    expect(profiles[0]).toMatchObject({ userId: ann.userId, username: "ann", displayName: "Ann Lee", role: "member", bio: "" });
    expect(await ann.as.query(api.profiles.me, {})).toMatchObject({ username: "ann" });
  });

  it("uses the username as display name when no name is given", async () => {
    const { auth } = setup();
    const bob = await auth.signUp({ email: "bob@example.com", username: "bob" });
    expect(await bob.as.query(api.profiles.me, {})).toMatchObject({ displayName: "bob" });
  });

  it("records the once-marker with the onboarding version, queryable by the user", async () => {
    const { auth, written } = setup();
    const before = Date.now();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });

    const status = await ann.as.query(api.users.onboardingStatus, {});
    expect(status).toMatchObject({ userId: ann.userId, version: onboarding.version });
    expect(status!.onboardedAt).toBeGreaterThanOrEqual(before);
    expect((await written()).markers).toHaveLength(1);
  });

  it("runs onboarding once, not on a later sign-in", async () => {
    const { auth, written } = setup();
    const first = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const again = await auth.signIn("ann@example.com");

    expect(again.userId).toBe(first.userId);
    const { users, profiles, markers } = await written();
    expect([users.length, profiles.length, markers.length]).toEqual([1, 1, 1]);
  });

  it("does not run onboarding again when the user is updated", async () => {
    const { auth, written } = setup();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const { markers: [marker] } = await written();

    const response = await auth.post("/update-user", { name: "Ann Again" }, { authorization: `Bearer ${ann.token}` });
    expect(response.status).toBe(200);

    const { users, profiles, markers } = await written();
    expect(users[0].name).toBe("Ann Again");
    expect(profiles).toHaveLength(1);
    expect(markers).toEqual([marker]);
  });

  it("keeps the code at rest as a keyed hash, never the plain code", async () => {
    const { auth, written } = setup();
    await auth.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com")!;

    const { codes } = await written();
    expect(codes).toHaveLength(1);
    expect(codes[0].value).not.toContain(otp);
    // Not the unkeyed SHA-256 either, which anyone could reverse by trying every 6-digit code.
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(otp));
    const unkeyed = btoa(String.fromCharCode(...new Uint8Array(digest))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    expect(codes[0].value).not.toContain(unkeyed);
  });

  it("sends a 6-digit code that expires after 5 minutes", async () => {
    const { auth, written } = setup();
    const before = Date.now();
    await auth.sendOtp("ann@example.com");

    expect(auth.lastOtp("ann@example.com")).toMatch(/^\d{6}$/);
    const { codes } = await written();
    expect(codes[0].expiresAt - before).toBeGreaterThan(299_000);
    expect(codes[0].expiresAt - before).toBeLessThanOrEqual(301_000);
  });

  it("schedules the welcome mail from onboarding, to run after the commit, and the code's cleanup at its expiry", async () => {
    const { t, auth } = setup();
    await auth.signUp({ email: "ann@example.com", username: "ann" });
    const jobs = await t.run((ctx) => ctx.db.system.query("_scheduled_functions").collect());
    expect(jobs.map((job) => [job.name, job.args[0]])).toEqual([
      ["auth:authRequest", { op: { kind: "expireCode", identifier: "sign-in-otp-ann@example.com", wait: "sign-in:ann@example.com" } }],
      ["welcome:send", { email: "ann@example.com", username: "ann" }],
    ]);
  });

  it("gives the session's identity to Convex functions", async () => {
    const { auth } = setup();
    const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
    const identity = await ann.as.run((ctx) => ctx.auth.getUserIdentity());
    expect(identity).toMatchObject({ subject: ann.userId });
    expect(await json(await auth.post("/sign-out", {}, { authorization: `Bearer ${ann.token}` }))).toMatchObject({ success: true });
  });
});
