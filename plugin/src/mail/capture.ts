import type { SignUpNotice } from "./notice.js";
import type { OtpMail, OtpSender } from "./sender.js";

// On globalThis so that every copy of this module (bundles, test runners) sees one sink.
const CAPTURE = Symbol.for("convex-otp-onboarding/mail-capture");

/** Where captured codes go; a sink that returns a promise holds each send until it settles. */
type MailSink = (mail: OtpMail) => void | Promise<void>;
/** Where captured sign-up notices go, likewise. */
type NoticeSink = (notice: SignUpNotice) => void | Promise<void>;
type Sinks = { mail: MailSink; notice?: NoticeSink | undefined };
const globals = globalThis as typeof globalThis & { [CAPTURE]?: Sinks };

/**
 * Routes every code to `sink` (and every sign-up notice to `noticeSink`; without one, notices are
 * dropped) instead of the configured sender, until the returned function is called. The test kit
 * uses it so that tests read codes without any network.
 */
export function captureMail(sink: MailSink, noticeSink?: NoticeSink): () => void {
  const sinks: Sinks = { mail: sink, notice: noticeSink };
  globals[CAPTURE] = sinks;
  return () => {
    if (globals[CAPTURE] === sinks) delete globals[CAPTURE];
  };
}

/** Sends through the capture sink when one is installed, else through `sender`. */
export async function deliver(sender: OtpSender, mail: OtpMail): Promise<void> {
  const sinks = globals[CAPTURE];
  if (sinks) return sinks.mail(mail);
  await sender.send(mail);
}

/** Sends a sign-up notice through the capture sink when one is installed, else through `sender`. */
export async function deliverNotice(sender: OtpSender, notice: SignUpNotice): Promise<void> {
  const sinks = globals[CAPTURE];
  if (sinks) return sinks.notice?.(notice);
  if (!sender.notify) throw new Error(`convex-otp-onboarding: the sender ${sender.name} cannot send sign-up notices (it has no notify)`);
  await sender.notify(notice);
}
