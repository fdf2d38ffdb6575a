import { afterEach, describe, expect, it, vi } from "vitest";
import { backfillOnboardingPage } from "convex-otp-onboarding/convex";
import { components, internal } from "./_generated/api";
import { onboarding } from "./onboarding";
import { setup, onboardAtVersion1 } from "./test.setup";

type Test = ReturnType<typeof setup>["t"];

const people = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    email: `user${i}@example.com`,
    username: `user_${i}`,
    name: `User ${i}`,
  }));

/** Starts the backfill as an operator would, then runs every page it schedules. */
async function backfill(t: Test, args: { batchSize?: number } = {}) {
  const log = vi.spyOn(console, "log").mockImplementation(() => {});
  await t.mutation(internal.users.backfillOnboarding, args);
  vi.useFakeTimers();
  await t.finishAllScheduledFunctions(vi.runAllTimers, 1000);
  vi.useRealTimers();
  const lines = log.mock.calls.map((call) => String(call[0])).filter((line) => line.includes("backfill"));
  log.mockRestore();
  return lines;
}

const state = (t: Test) =>
  t.run(async (ctx) => {
    const jobs = await ctx.db.system.query("_scheduled_functions").collect();
    return {
      profiles: await ctx.db.query("profiles").collect(),
      markers: await ctx.db.query("onboardings").collect(),
      jobs: jobs.map((job) => ({ name: job.name, state: job.state.kind })),
    };
  });

afterEach(() => {
  vi.useRealTimers();
});

describe("users.backfillOnboarding", () => {
  it("onboards 5 000 users who existed before the plugin, each page one transaction within Convex's limits", async () => {
    const { t, auth } = setup({ transactionLimits: true });
    await auth.insertUsers(people(5000));

    // One page at the default size, measured against the limits from inside its transaction.
    const firstPage = await t.mutation(async (ctx) => {
      const page = await backfillOnboardingPage(ctx, {}, {
        component: components.betterAuth,
        onboarding,
        next: internal.users.backfillOnboarding,
      });
      return { page, metrics: await ctx.meta.getTransactionMetrics() };
    });
    expect(firstPage.page).toMatchObject({ onboarded: 200, upgraded: 0, skipped: 0, isDone: false });
    const { metrics } = firstPage;
    const share = (metric: keyof typeof metrics) =>
      metrics[metric].used / (metrics[metric].used + metrics[metric].remaining);
    expect(share("databaseQueries")).toBeLessThan(0.25);
    expect(share("documentsRead")).toBeLessThan(0.25);
    expect(share("documentsWritten")).toBeLessThan(0.25);
    expect(share("functionsScheduled")).toBeLessThan(0.01);

    // The rest: each page schedules the next, carrying the totals along.
    vi.useFakeTimers();
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await t.finishAllScheduledFunctions(vi.runAllTimers, 1000);
    vi.useRealTimers();
    expect(log).toHaveBeenLastCalledWith(expect.stringContaining("5000 onboarded, 0 upgraded, 0 skipped so far"));
    log.mockRestore();

    const { profiles, markers, jobs } = await state(t);
    expect(profiles).toHaveLength(5000);
    expect(new Set(markers.map((marker) => marker.userId)).size).toBe(5000);
    expect(markers.every((marker) => marker.version === onboarding.version)).toBe(true);
    // Every page committed (none hit a limit), and old users got no welcome mail.
    expect(jobs.length).toBeGreaterThanOrEqual(24);
    expect(jobs.every((job) => job.name === "users:backfillOnboarding" && job.state === "success")).toBe(true);
  }, 180_000);

  it("onboards nobody twice when run again, and skips users onboarded at sign-up", async () => {
    const { t, auth } = setup({ transactionLimits: true });
    await auth.insertUsers(people(250));
    await auth.signUp({ email: "ann@example.com", username: "ann" });

    const first = await backfill(t, { batchSize: 100 });
    expect(first.at(-1)).toContain("250 onboarded, 0 upgraded, 1 skipped so far");
    const second = await backfill(t, { batchSize: 100 });
    expect(second.at(-1)).toContain("0 onboarded, 0 upgraded, 251 skipped so far");

    const { profiles, markers } = await state(t);
    expect(profiles).toHaveLength(251);
    expect(markers).toHaveLength(251);
  });

  it("returns what its page did and the totals so far", async () => {
    const { t, auth } = setup({ transactionLimits: true });
    await auth.insertUsers(people(3));
    const page = await t.mutation(internal.users.backfillOnboarding, { batchSize: 2 });
    expect(page).toEqual({
      onboarded: 2,
      upgraded: 0,
      skipped: 0,
      totals: { onboarded: 2, upgraded: 0, skipped: 0 },
      isDone: false,
    });
  });

  it("stays within tighter limits by taking smaller pages; a page too large rolls back whole", async () => {
    // 60 index reads per transaction: a page of 100 users cannot fit, a page of 20 can.
    const { t, auth } = setup({ transactionLimits: { databaseQueries: 60 } });
    await auth.insertUsers(people(100));

    await expect(t.mutation(internal.users.backfillOnboarding, { batchSize: 100 })).rejects.toThrow(
      /Too many index ranges/,
    );
    expect((await state(t)).profiles).toHaveLength(0);

    const lines = await backfill(t, { batchSize: 20 });
    expect(lines.at(-1)).toContain("100 onboarded, 0 upgraded, 0 skipped so far");
    expect((await state(t)).profiles).toHaveLength(100);
  });
});

describe("onboarding versions", () => {
  it("upgrades users onboarded at an older version, and leaves current users untouched", async () => {
    const { t, auth } = setup({ transactionLimits: true });
    const [plain, renamed] = await auth.insertUsers([
      { email: "old@example.com", username: "old", name: "Old Timer" },
      { email: "custom@example.com", username: "custom", name: "Cu Stom" },
    ]);
    // What version 1 of this app wrote: profiles without `displayNameEdited`, markers at 1.
    await onboardAtVersion1(t, [
      { userId: plain, username: "old", displayName: "Old Timer" },
      { userId: renamed, username: "custom", displayName: "The Customizer" },
    ]);
    const current = await auth.signUp({ email: "new@example.com", username: "newbie", name: "New" });
    const before = await t.run(async (ctx) => ({
      profile: await ctx.db.query("profiles").withIndex("by_userId", (q) => q.eq("userId", current.userId)).unique(),
      marker: await ctx.db.query("onboardings").withIndex("by_userId", (q) => q.eq("userId", current.userId)).unique(),
    }));

    const lines = await backfill(t);
    expect(lines.at(-1)).toContain("0 onboarded, 2 upgraded, 1 skipped so far");

    const { profiles, markers } = await state(t);
    const profileOf = (userId: string) => profiles.find((profile) => profile.userId === userId);
    const markerOf = (userId: string) => markers.find((marker) => marker.userId === userId);
    expect(markerOf(plain)).toMatchObject({ version: 2, onboardedAt: 1 });
    expect(markerOf(renamed)).toMatchObject({ version: 2, onboardedAt: 1 });
    expect(profileOf(plain)).toMatchObject({ displayName: "Old Timer", displayNameEdited: false });
    expect(profileOf(renamed)).toMatchObject({ displayName: "The Customizer", displayNameEdited: true });
    expect(profileOf(current.userId)).toEqual(before.profile);
    expect(markerOf(current.userId)).toEqual(before.marker);

    const again = await backfill(t);
    expect(again.at(-1)).toContain("0 onboarded, 0 upgraded, 3 skipped so far");
  });
});
