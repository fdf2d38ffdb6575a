import type { SignUpNotice } from "./notice.js";
import type { OtpMail, OtpSender } from "./sender.js";

// On globalThis so that every copy of this module (bundles, test runners) sees one sink.
const CAPTURE = Symbol.for("convex-otp-onboarding/mail-capture");

/**
 * Where captured codes (and sign-up notices, told apart by their `kind`) go; a sink that returns a
 * promise holds each send until it settles.
 */
type MailSink = (mail: OtpMail | SignUpNotice) => void | Promise<void>;
const globals = globalThis as typeof globalThis & { [CAPTURE]?: MailSink };

/**
 * Routes every code to `sink` instead of the configured sender, until the returned function is
 * called. The test kit uses it so that tests read codes without any network.
 */
export function captureMail(sink: MailSink): () => void {
  globals[CAPTURE] = sink;
  return () => {
    if (globals[CAPTURE] === sink) delete globals[CAPTURE];
  };
}

/** Sends through the capture sink when one is installed, else through `sender`. */
export async function deliver(sender: OtpSender, mail: OtpMail): Promise<void> {
  const sink = globals[CAPTURE];
  if (sink) return sink(mail);
  await sender.send(mail);
}

/** Sends a sign-up notice through the capture sink when one is installed, else through `sender`. */
export async function deliverNotice(sender: OtpSender, notice: SignUpNotice): Promise<void> {
  const sink = globals[CAPTURE];
  if (sink) return sink(notice);
  if (!sender.notify) throw new Error(`convex-otp-onboarding: the sender ${sender.name} cannot send sign-up notices (it has no notify)`);
  await sender.notify(notice);
}
