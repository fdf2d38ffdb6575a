import { v } from "convex/values";
import { getOnboardingStatus, onboardingStatusValidator } from "../plugin/onboarding";
import { query } from "./_generated/server";
import { authComponent } from "./auth";

/** The signed-in user's once-marker: onboarded, at which version, when. `null` if signed out or never onboarded. */
export const onboardingStatus = query({
  args: {},
  returns: v.union(onboardingStatusValidator, v.null()),
  handler: async (ctx) => {
    const user = await authComponent.safeGetAuthUser(ctx);
    return user ? await getOnboardingStatus(ctx, user._id) : null;
  },
});
