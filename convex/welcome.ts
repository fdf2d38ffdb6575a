import { v } from "convex/values";
import { maskEmail } from "convex-otp-onboarding";
import { internalAction } from "./_generated/server";

/**
 * The welcome mail, scheduled by onboarding so that it runs only once the new user is committed.
 * This reference app writes it to the log; a real app calls its mail provider here.
 */
export const send = internalAction({
  args: { email: v.string(), username: v.string() },
  returns: v.null(),
  handler: async (_ctx, { email, username }) => {
    console.log(`[welcome] welcome mail for @${username} to ${maskEmail(email)}`);
    return null;
  },
});
