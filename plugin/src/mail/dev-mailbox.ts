import { otpSubject } from "./message.js";
import { maskEmail, type CapturedMail, type OtpSender } from "./sender.js";

// On globalThis so that every copy of this module (bundles, test runners) sees one mailbox.
const MAILBOX = Symbol.for("convex-otp-onboarding/dev-mailbox");
const globals = globalThis as typeof globalThis & { [MAILBOX]?: CapturedMail[] };

/** The dev mailbox's mails, newest first. Empty unless `devMailbox()` is the active sender. */
export function readDevMailbox(): CapturedMail[] {
  return [...(globals[MAILBOX] ?? [])].reverse();
}

/** Options of {@link devMailbox}. */
export type DevMailboxOptions = {
  /**
   * Print each code in the log, for a terminal that stands in for an inbox. Never in production
   * (`NODE_ENV=production`).
   * @default false
   */
  printCodes?: boolean | undefined;
  /**
   * Log each mail's full address instead of a masked one (`a***@example.com`), so that `ann@` and
   * `anna@` can be told apart in a development terminal. Never in production (`NODE_ENV=production`).
   * @default false
   */
  logAddresses?: boolean | undefined;
  /**
   * Keep codes on a Convex deployment too. There nobody can open the mailbox, so by default a
   * send there fails with `OTP_DELIVERY_FAILED` and says why, rather than dropping the code.
   * @default false
   */
  allowOnDeployment?: boolean | undefined;
};

const env = (): Record<string, string | undefined> =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

/**
 * The address of the Convex deployment these functions run on, or `undefined` when they run locally
 * (convex-test, `npx convex dev --local`): Convex sets `CONVEX_CLOUD_URL` on every deployment.
 */
function remoteDeployment(): string | undefined {
  const url = env()["CONVEX_CLOUD_URL"];
  if (!url) return undefined;
  let host = "";
  try {
    host = new URL(url).hostname;
  } catch {
    // Not a URL: treat it as a remote deployment, the safe side.
  }
  return ["127.0.0.1", "localhost", "[::1]", "0.0.0.0"].includes(host) ? undefined : url;
}

/**
 * A sender for development: keeps every mail in an in-memory mailbox (see `readDevMailbox`) and
 * logs that a code was sent, to a masked address. The code itself (with `printCodes`) and the full
 * address (with `logAddresses`) are logged only when `NODE_ENV` is not `production`. On a Convex
 * deployment it refuses to send (the route answers `OTP_DELIVERY_FAILED` and the log says to
 * configure a real sender) unless `allowOnDeployment`.
 *
 * ```ts
 * otpOnboarding({ fields, sender: devMailbox({ printCodes: true, logAddresses: true }) })
 * ```
 */
export function devMailbox(options: DevMailboxOptions = {}): OtpSender {
  return {
    name: "dev mailbox",
    async send(mail) {
      const deployment = remoteDeployment();
      if (deployment && !options.allowOnDeployment) {
        throw new Error(
          `devMailbox() does not deliver on the Convex deployment ${deployment}: nobody could read ` +
            "the code. Configure a real sender (resendSender, with RESEND_API_KEY and RESEND_FROM), " +
            "or pass devMailbox({ allowOnDeployment: true }) to keep codes in memory there on purpose.",
        );
      }
      const mailbox = (globals[MAILBOX] ??= []);
      mailbox.push({
        to: mail.to,
        subject: otpSubject(mail),
        otp: mail.otp,
        type: mail.type,
        sentAt: Date.now(),
      });
      const production = env()["NODE_ENV"] === "production";
      const showCode = options.printCodes === true && !production;
      const address = options.logAddresses === true && !production ? mail.to : maskEmail(mail.to);
      const where = deployment ? ` on ${deployment}: NOT delivered, kept in this process only` : "";
      const log = deployment ? console.warn : console.log;
      log(
        `[dev mailbox] ${mail.type} code for ${address}${where}` +
          (showCode ? `: ${mail.otp}` : " (open the dev mailbox to read it)"),
      );
    },
  };
}
