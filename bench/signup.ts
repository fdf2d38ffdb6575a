/** One timed sign-up over the real routes: send a code, read it, sign in with it. */
import { readDevMailbox } from "convex-otp-onboarding";
import { captureMail } from "convex-otp-onboarding/test";
import type { Setup } from "./setups.js";

// The plugin's codes, captured at its mail edge (the kit's capture is process-wide); the
// baseline's and Convex Auth's go to the dev mailbox, read below.
const inbox = new Map<string, string>();
captureMail(({ to, otp }) => void inbox.set(to, otp));

/** The code just sent to `email`, from whichever edge it left through. */
export function codeFor(email: string): string | undefined {
  const captured = inbox.get(email);
  inbox.delete(email);
  return captured ?? readDevMailbox().find((mail) => mail.to === email)?.otp;
}

async function expectOk(step: string, response: Response) {
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(`${step}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * Signs a new user up. Returns the milliseconds from asking for the code to the sign-in's answer
 * (the user and onboarding are written inside it), and the session token. Work scheduled by
 * onboarding (the welcome mail) runs afterwards, outside the timing: nobody waits for it, but its
 * calls count.
 */
export async function timedSignUp(
  setup: Setup,
  email: string,
  fields: Record<string, unknown>,
): Promise<{ ms: number; token: string }> {
  const start = performance.now();
  await expectOk("send code", await setup.auth.sendOtp(email));
  const otp = codeFor(email);
  if (!otp) throw new Error(`send code: no mail for ${email}`);
  const { token } = await expectOk(
    "sign in",
    await setup.auth.post("/sign-in/email-otp", { email, otp, ...fields }),
  );
  const elapsed = performance.now() - start;
  await setup.t.finishAllScheduledFunctions(() => {});
  return { ms: elapsed, token };
}
