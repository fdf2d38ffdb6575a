/**
 * The second peer the bench runs next to the plugin: Convex Auth (`@convex-dev/auth` 0.0.95) with
 * its email-code provider, set up as its docs set up sign-in by emailed code. A peer, not a model:
 * it writes the user and its account when the code is sent, before the code is verified.
 */
import { Email } from "@convex-dev/auth/providers/Email";
import { convexAuth } from "@convex-dev/auth/server";
import { devMailbox } from "convex-otp-onboarding";

// Codes go to the dev mailbox, where the bench reads them: no network, as for the baseline.
const sender = devMailbox();
const CODE_DIGITS = 8;
const MAX_AGE_MINUTES = 60;

/** 8 digits like the docs' OTP example, each uniform (bytes ≥ 250 are drawn again). */
function digitCode(): string {
  let code = "";
  while (code.length < CODE_DIGITS) {
    for (const byte of crypto.getRandomValues(new Uint8Array(CODE_DIGITS))) {
      if (byte < 250 && code.length < CODE_DIGITS) code += String(byte % 10);
    }
  }
  return code;
}

export const { auth, signIn, signOut, store, isAuthenticated } = convexAuth({
  providers: [
    Email({
      maxAge: MAX_AGE_MINUTES * 60,
      generateVerificationToken: async () => digitCode(),
      sendVerificationRequest: async ({ identifier, token }) =>
        sender.send({
          to: identifier,
          otp: token,
          type: "sign-in",
          expiresInMinutes: MAX_AGE_MINUTES,
          appName: "Convex Auth peer",
        }),
    }),
  ],
});
