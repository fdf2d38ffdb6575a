/** One timed sign-up over the real routes: send a code, read it, sign in with it. */
import { captureMail } from "convex-otp-onboarding/test";
import type { Setup } from "./setups.js";

// Codes by address, captured at the mail edge for every setup in this process.
const inbox = new Map<string, string>();
captureMail(({ to, otp }) => void inbox.set(to, otp));

async function expectOk(step: string, response: Response) {
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(`${step}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * Signs a new user up and returns the milliseconds from asking for the code to the sign-in's
 * answer (the user and onboarding are written inside it). Work scheduled by onboarding (the
 * welcome mail) runs afterwards, outside the timing: nobody waits for it, but its calls count.
 */
export async function timedSignUp(setup: Setup, email: string, fields: Record<string, unknown>) {
  const start = performance.now();
  await expectOk("send code", await setup.auth.sendOtp(email));
  const otp = inbox.get(email);
  if (!otp) throw new Error(`send code: no mail for ${email}`);
  inbox.delete(email);
  await expectOk("sign in", await setup.auth.post("/sign-in/email-otp", { email, otp, ...fields }));
  const elapsed = performance.now() - start;
  await setup.t.finishAllScheduledFunctions(() => {});
  return elapsed;
}
