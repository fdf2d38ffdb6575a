import { useState, type FormEvent } from "react";
import { authClient } from "../auth-client";
import { codeErrorMessage, codes, needsNewCode, type AuthError } from "../auth-errors";
import { Field } from "../components/Field";
import { isLocalRuntime } from "../config";

/** A code on its way: to whom, and the sign-up fields that go with it for a new account. */
export type PendingCode = {
  email: string;
  mode: "sign-up" | "sign-in";
  fields?: { username: string; name?: string };
};

type CodeFormProps = {
  pending: PendingCode;
  onBack: () => void;
  /** The email has no account yet (found out only with a right code): go and create one. */
  onNoAccount: (email: string) => void;
  /** The server refused a sign-up field (e.g. the username was taken meanwhile). */
  onFieldErrors: (errors: AuthError) => void;
};

/** Step 2: the code from the mail. */
export function CodeForm({ pending, onBack, onNoAccount, onFieldErrors }: CodeFormProps) {
  const [otp, setOtp] = useState("");
  const [error, setError] = useState<AuthError>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState<"verifying" | "resending">();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNotice(undefined);
    const code = otp.trim();
    if (!/^\d{6}$/.test(code)) return setError({ message: "Enter the 6-digit code from the mail." });
    setError(undefined);
    setBusy("verifying");
    const { error: failure } = await authClient.signIn.emailOtp({
      email: pending.email,
      otp: code,
      ...pending.fields,
    });
    setBusy(undefined);
    if (!failure) return; // The session changes, and the app shows the profile.
    const answer = failure as AuthError;
    if (answer.code === codes.INVALID_SIGNUP_PARAMS.code && pending.mode === "sign-in") {
      return onNoAccount(pending.email);
    }
    if (answer.code === codes.USERNAME_TAKEN.code || answer.code === codes.INVALID_SIGNUP_PARAMS.code) {
      return onFieldErrors(answer);
    }
    setError(answer);
  }

  async function resend() {
    setBusy("resending");
    const { error: failure } = await authClient.emailOtp.sendVerificationOtp({
      email: pending.email,
      type: "sign-in",
    });
    setBusy(undefined);
    setOtp("");
    if (failure) return setError(failure as AuthError);
    setError(undefined);
    setNotice("A new code is on its way. Earlier codes no longer work.");
  }

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
      <Field
        label="Code"
        name="otp"
        className="otp"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        value={otp}
        onChange={(event) => setOtp(event.target.value.replace(/\D/g, ""))}
        autoFocus
      />
      {error ? (
        <p className="alert" role="alert" data-error-code={error.code}>
          {codeErrorMessage(error)}
        </p>
      ) : null}
      {notice ? <p className="notice" role="status">{notice}</p> : null}
      {error && needsNewCode(error) ? (
        <button type="button" onClick={resend} disabled={busy !== undefined}>
          {busy === "resending" ? "Sending…" : "Send a new code"}
        </button>
      ) : (
        <button type="submit" disabled={busy !== undefined}>
          {busy === "verifying" ? "Checking…" : pending.mode === "sign-up" ? "Create account" : "Sign in"}
        </button>
      )}
      <div className="row">
        <button type="button" className="link" onClick={onBack}>
          ← Use another email
        </button>
        {error && needsNewCode(error) ? null : (
          <button type="button" className="link" onClick={resend} disabled={busy !== undefined}>
            {busy === "resending" ? "Sending…" : "Send a new code"}
          </button>
        )}
      </div>
    </form>
  );
}
