import type { GenericMutationCtx } from "convex/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ForeignConvexError } from "../shared/convex-error.fixture";
import { defineOnboarding } from "./onboarding";

// Just enough of a mutation ctx for a user with no once-marker yet.
const ctx = {
  db: {
    query: () => ({ withIndex: () => ({ unique: async () => null }) }),
    insert: async () => "marker-id",
  },
} as unknown as GenericMutationCtx<any>;
const user = { _id: "user-1", email: "ann@example.com", name: "Ann" };

afterEach(() => vi.restoreAllMocks());

describe("a failing onboarding step", () => {
  it("passes on a step's own ConvexError code, whichever copy of convex made it", async () => {
    const onboarding = defineOnboarding({
      steps: [
        async () => {
          throw new ForeignConvexError({ code: "MY_CODE", message: "Not today" });
        },
      ],
    });
    await expect(onboarding.onCreate(ctx, user)).rejects.toMatchObject({ data: { code: "MY_CODE" } });
  });

  it("turns any other error into ONBOARDING_FAILED and logs the cause", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const onboarding = defineOnboarding({
      steps: [
        async function createProfile() {
          throw new Error("disk full");
        },
      ],
    });
    await expect(onboarding.onCreate(ctx, user)).rejects.toMatchObject({
      data: { code: "ONBOARDING_FAILED" },
    });
    expect(log.mock.calls[0]?.[0]).toContain('step "createProfile" failed for user user-1');
  });
});
