import { otpSubject } from "./message.js";
import { signUpNoticeMessage } from "./notice.js";
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
   * Print each code in the log, for a terminal that stands in for an inbox. Only where no Convex
   * backend runs (convex-test, the example's local runtime), and never with `NODE_ENV=production`.
   * @default false
   */
  printCodes?: boolean | undefined;
  /**
   * Log each mail's full address instead of a masked one (`a***@example.com`), so that `ann@` and
   * `anna@` can be told apart in a development terminal. Only where no Convex backend runs, and
   * never with `NODE_ENV=production`.
   * @default false
   */
  logAddresses?: boolean | undefined;
  /**
   * Keep codes on a Convex backend too (cloud, `npx convex dev --local` or self-hosted). There
   * nobody can open the mailbox, so by default a send there fails with `OTP_DELIVERY_FAILED` and
   * says why, rather than dropping the code. Codes and full addresses are never logged there.
   * @default false
   */
  allowOnDeployment?: boolean | undefined;
};

const env = (): Record<string, string | undefined> =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)$/;

/**
 * The Convex backend these functions run on, as it names itself, or `undefined` where none runs
 * (convex-test, the example's local runtime, a script). Every Convex backend, cloud, local or
 * self-hosted, sets the system variable `CONVEX_CLOUD_URL` for its functions; `CONVEX_SITE_URL`
 * is no sign, since test kits and local runtimes set it themselves for Better Auth.
 */
function convexBackend(): string | undefined {
  const url = env()["CONVEX_CLOUD_URL"];
  if (!url) return undefined;
  let host = "";
  try {
    host = new URL(url).hostname;
  } catch {
    // Not a URL: still a backend, named as it is.
  }
  if (host.endsWith(".convex.cloud")) return `Convex cloud deployment ${url}`;
  // `--local` and a self-hosted backend on the same machine look alike from inside: say both.
  if (LOOPBACK.test(host)) return `local Convex backend ${url} (npx convex dev --local, or self-hosted on this machine)`;
  return `self-hosted Convex backend ${url}`;
}

/**
 * A sender for development: keeps every mail in an in-memory mailbox (see `readDevMailbox`) and
 * logs that a code was sent, to a masked address. The code itself (with `printCodes`) and the full
 * address (with `logAddresses`) are logged only where no Convex backend runs and `NODE_ENV` is not
 * `production`. On a Convex backend (cloud, `npx convex dev --local`, self-hosted) it refuses to
 * send (the route answers `OTP_DELIVERY_FAILED` and the log names the backend it saw and says to
 * configure a real sender) unless `allowOnDeployment`.
 *
 * ```ts
 * otpOnboarding({ fields, sender: devMailbox({ printCodes: true, logAddresses: true }) })
 * ```
 */
export function devMailbox(options: DevMailboxOptions = {}): OtpSender {
  /** Keeps one mail and logs it; its `otp` (a code, an invite code) is printed only with `printCodes`. */
  function keep(mail: CapturedMail, what: string) {
    const backend = convexBackend();
    if (backend && !options.allowOnDeployment) {
      throw new Error(
        `devMailbox() does not deliver on the ${backend}: nobody could read the code. Configure a ` +
          "real sender (resendSender, with RESEND_API_KEY and RESEND_FROM), or pass " +
          "devMailbox({ allowOnDeployment: true }) to keep codes in memory there on purpose.",
      );
    }
    (globals[MAILBOX] ??= []).push(mail);
    const revealing = !backend && env()["NODE_ENV"] !== "production";
    const showCode = options.printCodes === true && revealing && mail.otp !== "";
    const address = options.logAddresses === true && revealing ? mail.to : maskEmail(mail.to);
    const where = backend ? ` on the ${backend}: NOT delivered, kept in this process only` : "";
    const log = backend ? console.warn : console.log;
    log(
      `[dev mailbox] ${what} for ${address}${where}` +
        (showCode ? `: ${mail.otp}` : " (open the dev mailbox to read it)"),
    );
  }
  return {
    name: "dev mailbox",
    async send(mail) {
      keep(
        {
          to: mail.to,
          subject: otpSubject(mail),
          otp: mail.otp,
          type: mail.type,
          ...(mail.link ? { link: mail.link } : {}),
          sentAt: Date.now(),
        },
        `${mail.type} code`,
      );
    },
    async notify(notice) {
      const { subject } = signUpNoticeMessage(notice);
      keep({ to: notice.to, subject, otp: notice.inviteCode ?? "", type: notice.kind, sentAt: Date.now() }, `${notice.kind} notice`);
    },
  };
}
