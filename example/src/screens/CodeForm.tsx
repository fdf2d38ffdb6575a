import { useState, type FormEvent } from "react";
import { authClient } from "../auth-client";
import { codeErrorMessage, codes, needsNewCode, WAIT_NOTICE, type AuthError } from "../auth-errors";
import { CodeField } from "../components/CodeField";
import { SendCodeButton } from "../components/SendCodeButton";
import { isLocalRuntime } from "../config";
import { existingAccountNotice } from "../existing-account";
import { requestCode } from "../request-code";
import { useCountdown } from "../use-countdown";

/** A code on its way: to whom, and the sign-up fields that go with it for a new account. */
export type PendingCode = {
  email: string;
  mode: "sign-up" | "sign-in";
  fields?: { username: string; name?: string; invite?: string };
  /**
   * The sign-up policy may mail a notice instead of a code (sign-ups closed to this address, or a
   * place on the waitlist); the answer cannot say which, so the screen says both.
   */
  policy?: "closed" | "waitlist";
  /**
   * A code the server found right but whose sign-in it refused for the sign-up fields (missing for
   * an email with no account yet, or invalid). That refusal rolled everything back, so the code
   * still works: the create-account form signs in with it instead of mailing another.
   */
  acceptedOtp?: string;
};

type CodeFormProps = {
  pending: PendingCode;
  /** The code a mail's link brought: filled in, to confirm with one press. */
  initialOtp?: string | undefined;
  onBack: () => void;
  /** The email has no account yet (found out only with a right code): go and create one. */
  onNoAccount: (acceptedOtp: string) => void;
  /** The server refused a sign-up field (e.g. the username was taken meanwhile). */
  onFieldErrors: (errors: AuthError, acceptedOtp: string) => void;
  /** Signed in; `notice` says when "Create account" signed in to an account the email already had. */
  onSignedIn: (notice?: string) => void;
};

/** Step 2: the code from the mail. */
export function CodeForm({ pending, initialOtp, onBack, onNoAccount, onFieldErrors, onSignedIn }: CodeFormProps) {
  const [otp, setOtp] = useState(initialOtp ?? "");
  const [error, setError] = useState<AuthError>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState<"verifying" | "resending">();
  const wait = useCountdown();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNotice(undefined);
    const code = otp.trim();
    if (!/^\d{6}$/.test(code)) return setError({ message: "Enter the 6-digit code from the mail." });
    setError(undefined);
    setBusy("verifying");
    const startedAt = Date.now();
    const { data, error: failure } = await authClient.signIn.emailOtp({
      email: pending.email,
      otp: code,
      ...pending.fields,
    });
    setBusy(undefined);
    // The session changes, and the app shows the profile.
    if (data) return onSignedIn(pending.fields && existingAccountNotice(pending.fields, data.user, startedAt));
    const answer = failure as AuthError;
    if (answer.code === codes.INVALID_SIGNUP_PARAMS.code && pending.mode === "sign-in") {
      return onNoAccount(code);
    }
    const fieldRefusals: string[] = [codes.USERNAME_TAKEN.code, codes.INVALID_SIGNUP_PARAMS.code, codes.INVITE_INVALID.code, codes.SIGN_UP_CLOSED.code];
    if (fieldRefusals.includes(answer.code ?? "")) {
      return onFieldErrors(answer, code);
    }
    setError(answer);
  }

  async function resend() {
    setBusy("resending");
    const { error: failure } = await requestCode(pending.email);
    setBusy(undefined);
    // Too soon: the button counts down, and whatever was said about the code still holds.
    if (failure?.retryAfter) return wait.start(failure.retryAfter);
    setOtp("");
    if (failure) return setError(failure);
    setError(undefined);
    setNotice("A new code is on its way. Earlier codes no longer work.");
  }

  const deadCode = error !== undefined && needsNewCode(error);
  const sendNewCode = (className?: string) => (
    <SendCodeButton
      type="button"
      className={className}
      onClick={resend}
      label="Send a new code"
      sending={busy === "resending"}
      wait={wait.secondsLeft}
      disabled={busy !== undefined}
    />
  );

  return (
    <form onSubmit={submit} noValidate aria-label="Enter code">
      <p className="lead">
        We sent a 6-digit code to <strong>{pending.email}</strong>. It is valid for 5 minutes.
        {isLocalRuntime ? (
          <>
            {" "}
            Running locally, mail goes to the{" "}
            <a href="/dev/mailbox" target="_blank" rel="noreferrer">
              dev mailbox
            </a>
            .
          </>
        ) : null}
      </p>
      {pending.policy === "waitlist" ? (
        <p className="notice info" role="status" data-testid="waitlist-note">
          <strong>Not invited yet?</strong> Then the mail puts you on the waitlist instead of sending a code: you will
          get an invite by email as soon as a place is free, and there is nothing more to do now.
        </p>
      ) : pending.policy === "closed" ? (
        <p className="notice info" role="status" data-testid="closed-note">
          If this address may not sign up here without an invite, the mail says so instead of sending a code.
        </p>
      ) : null}
      <CodeField value={otp} onChange={setOtp} />
      {error ? (
        <p className="alert" role="alert" data-error-code={error.code} data-tries-left={error.triesLeft}>
          {codeErrorMessage(error)}
        </p>
      ) : null}
      {wait.secondsLeft > 0 ? (
        <p className="notice info" role="status">{WAIT_NOTICE}</p>
      ) : notice ? (
        <p className="notice" role="status">{notice}</p>
      ) : null}
      {/* A dead code makes "Send a new code" the main action: another try cannot help. */}
      {deadCode ? (
        sendNewCode()
      ) : (
        <button type="submit" disabled={busy !== undefined}>
          {busy === "verifying" ? "Checking…" : pending.mode === "sign-up" ? "Create account" : "Sign in"}
        </button>
      )}
      <div className="row">
        <button type="button" className="link" onClick={onBack}>
          ← Use another email
        </button>
        {deadCode ? null : sendNewCode("link")}
      </div>
    </form>
  );
}
