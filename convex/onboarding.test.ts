import { describe, expect, it } from "vitest";
import { json, setup, strayProfile } from "./test.setup";

const SIGN_IN = "/sign-in/email-otp";

describe("onboarding that fails", () => {
  it("rolls the user back and answers the step's own error code", async () => {
    const { t, auth, written } = setup();
    await t.run((ctx) => ctx.db.insert("profiles", strayProfile("ann")));
    await auth.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com")!;

    const response = await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" });
    expect(response.status).toBe(409);
    expect(await json(response)).toMatchObject({ code: "USERNAME_TAKEN", message: expect.any(String) });
    const { users, profiles, markers } = await written();
    expect(users).toEqual([]);
    expect(profiles).toHaveLength(1); // only the stray row
    expect(markers).toEqual([]);
    // No welcome mail: only the cleanup of the code, which the failed sign-up left usable.
    const jobs = await t.run((ctx) => ctx.db.system.query("_scheduled_functions").collect());
    expect(jobs.map((job) => job.args[0])).toEqual([{ op: { kind: "expireCode", identifier: "sign-in-otp-ann@example.com", wait: "sign-in:ann@example.com" } }]);
  });

  it("answers ONBOARDING_FAILED as JSON, not a bare 500, when a step fails unexpectedly", async () => {
    const { t, auth, written } = setup();
    // Two rows for one username make the step's unique() read throw a plain Error.
    await t.run(async (ctx) => {
      await ctx.db.insert("profiles", strayProfile("ann"));
      await ctx.db.insert("profiles", strayProfile("ann"));
    });
    await auth.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com")!;

    const response = await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" });
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toMatch(/json/);
    expect(await json(response)).toMatchObject({ code: "ONBOARDING_FAILED", message: expect.any(String) });
    const { users, markers } = await written();
    expect(users).toEqual([]);
    expect(markers).toEqual([]);
  });

  it("lets the person retry with the same code once the cause is gone", async () => {
    const { t, auth, written } = setup();
    const stray = await t.run((ctx) => ctx.db.insert("profiles", strayProfile("ann")));
    await auth.sendOtp("ann@example.com");
    const otp = auth.lastOtp("ann@example.com")!;
    const failed = await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" });
    expect(failed.status).toBe(409);

    await t.run((ctx) => ctx.db.delete("profiles", stray));
    const retried = await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann" });
    expect(retried.status).toBe(200);
    const { users, profiles, markers } = await written();
    expect([users.length, profiles.length, markers.length]).toEqual([1, 1, 1]);
  });

  it("signs up under another username right after a failed step", async () => {
    const { t, auth } = setup();
    await t.run((ctx) => ctx.db.insert("profiles", strayProfile("ann")));
    await expect(auth.signUp({ email: "ann@example.com", username: "ann" })).rejects.toMatchObject({
      status: 409,
      code: "USERNAME_TAKEN",
    });
    const otp = auth.lastOtp("ann@example.com");
    const again = await auth.post(SIGN_IN, { email: "ann@example.com", otp, username: "ann_2" });
    expect(again.status).toBe(200);
  });
});
