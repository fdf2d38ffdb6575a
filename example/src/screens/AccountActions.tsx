import { useState, type FormEvent, type ReactNode } from "react";
import { authClient } from "../auth-client";
import { codeErrorMessage, codes, type AuthError } from "../auth-errors";
import { CodeField } from "../components/CodeField";
import { Field } from "../components/Field";
import { mailLinkFor } from "../mail-link";

/**
 * The actions on the account that need a fresh code: changing its email and deleting it. A session
 * younger than the server's window does them at once; an older one is asked for the code mailed to
 * the current address first (`FRESH_CODE_REQUIRED`).
 */
export function AccountActions({ email }: { email: string }) {
  return (
    <section className="account-actions" aria-label="Account">
      <h2>Account</h2>
      <p className="muted small" data-testid="account-email">
        Signed in as {email}
      </p>
      <ChangeEmail email={email} />
      <DeleteAccount email={email} />
    </section>
  );
}

/** What the server said when it refused a step that sends no code. */
function Refusal({ error, otherwise }: { error: AuthError | undefined; otherwise: string }) {
  if (!error) return null;
  return (
    <p className="alert" role="alert" data-error-code={error.code}>
      {error.message ?? otherwise}
    </p>
  );
}

type Call = { error?: AuthError | null };
const failureOf = (result: Call) => (result.error ? (result.error as AuthError) : undefined);

/** Asks for the code that confirms `action` at the current address. */
const requestFreshCode = async (action: "delete-account" | "change-email") =>
  failureOf(await authClient.emailOtp.requestFreshCode({ action }));

/** One code step: where the code went, the field, what went wrong, and the button that confirms. */
function CodeStep(props: {
  label: string;
  sentTo: string;
  confirm: string;
  busy: boolean;
  error?: AuthError;
  initialOtp?: string;
  onSubmit: (otp: string) => void;
  onCancel: () => void;
  children?: ReactNode;
}) {
  const [otp, setOtp] = useState(props.initialOtp ?? "");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (/^\d{6}$/.test(otp.trim())) props.onSubmit(otp.trim());
  };
  return (
    <form onSubmit={submit} noValidate aria-label={props.label}>
      <p className="lead">
        We sent a 6-digit code to <strong>{props.sentTo}</strong>.
      </p>
      {props.children}
      <CodeField value={otp} onChange={setOtp} />
      {props.error ? (
        <p className="alert" role="alert" data-error-code={props.error.code}>
          {codeErrorMessage(props.error)}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" disabled={props.busy}>
          {props.busy ? "Checking…" : props.confirm}
        </button>
        <button type="button" className="link" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

type EmailStep =
  | { name: "closed" }
  | { name: "new-address"; error?: AuthError }
  | { name: "current-code"; newEmail: string; error?: AuthError }
  | { name: "new-code"; newEmail: string; error?: AuthError }
  | { name: "done"; newEmail: string };

/** "Change email": the new address, the current address's code when asked, then the new address's. */
function ChangeEmail({ email }: { email: string }) {
  // A link from the new address's mail goes straight to its code; one from the current address's
  // mail keeps its code for the request, once the new address is typed again.
  const [linked] = useState(() => mailLinkFor("change-email"));
  const [currentOtp] = useState(() => mailLinkFor("confirm-email-change")?.otp);
  const [step, setStep] = useState<EmailStep>(
    linked ? { name: "new-code", newEmail: linked.email } : currentOtp ? { name: "new-address" } : { name: "closed" },
  );
  const [newEmail, setNewEmail] = useState("");
  const [busy, setBusy] = useState(false);

  async function requestChange(target: string, otp?: string) {
    setBusy(true);
    const failure = failureOf(await authClient.emailOtp.requestEmailChange({ newEmail: target, ...(otp ? { otp } : {}) }));
    if (failure?.code === codes.FRESH_CODE_REQUIRED.code) {
      const sendFailure = await requestFreshCode("change-email");
      setBusy(false);
      return setStep({ name: "current-code", newEmail: target, ...(sendFailure ? { error: sendFailure } : {}) });
    }
    setBusy(false);
    if (failure) return setStep(otp ? { name: "current-code", newEmail: target, error: failure } : { name: "new-address", error: failure });
    setStep({ name: "new-code", newEmail: target });
  }

  async function confirm(target: string, otp: string) {
    setBusy(true);
    const failure = failureOf(await authClient.emailOtp.changeEmail({ newEmail: target, otp }));
    setBusy(false);
    if (failure) return setStep({ name: "new-code", newEmail: target, error: failure });
    // The session follows by itself (the client plugin refetches it after a change of email).
    setStep({ name: "done", newEmail: target });
  }

  const cancel = () => setStep({ name: "closed" });
  switch (step.name) {
    case "closed":
      return (
        <button type="button" className="secondary" onClick={() => setStep({ name: "new-address" })}>
          Change email
        </button>
      );
    case "done":
      return (
        <p className="notice" role="status" data-testid="email-changed">
          Your email is now {step.newEmail}.
        </p>
      );
    case "new-address":
      return (
        <form
          aria-label="Change email"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void requestChange(newEmail.trim(), currentOtp);
          }}
        >
          <Field label="New email" name="newEmail" type="email" value={newEmail} onChange={(event) => setNewEmail(event.target.value)} />
          <Refusal error={step.error} otherwise="Could not change the email." />
          <div className="row">
            <button type="submit" disabled={busy}>
              {busy ? "Sending…" : "Send a code to the new address"}
            </button>
            <button type="button" className="link" onClick={cancel}>
              Cancel
            </button>
          </div>
        </form>
      );
    case "current-code":
      return (
        <CodeStep
          label="Confirm with your current email"
          sentTo={email}
          confirm="Continue"
          busy={busy}
          error={step.error}
          onSubmit={(otp) => void requestChange(step.newEmail, otp)}
          onCancel={cancel}
        >
          <p className="muted small">You signed in a while ago: first confirm it is you.</p>
        </CodeStep>
      );
    case "new-code":
      return (
        <CodeStep
          label="Confirm the new email"
          sentTo={step.newEmail}
          confirm="Change email"
          busy={busy}
          error={step.error}
          initialOtp={linked?.otp}
          onSubmit={(otp) => void confirm(step.newEmail, otp)}
          onCancel={cancel}
        />
      );
  }
}

type DeleteStep = { name: "closed" } | { name: "confirm"; error?: AuthError } | { name: "code"; error?: AuthError };

/** "Delete account": a confirmation, and the current address's code when the session is not fresh. */
function DeleteAccount({ email }: { email: string }) {
  const [linked] = useState(() => mailLinkFor("delete-account"));
  const [step, setStep] = useState<DeleteStep>(linked ? { name: "code" } : { name: "closed" });
  const [busy, setBusy] = useState(false);

  async function remove(otp?: string) {
    setBusy(true);
    const failure = failureOf(await authClient.$fetch("/delete-user", { method: "POST", body: otp ? { otp } : {} }));
    if (failure?.code === codes.FRESH_CODE_REQUIRED.code) {
      const sendFailure = await requestFreshCode("delete-account");
      setBusy(false);
      return setStep({ name: "code", ...(sendFailure ? { error: sendFailure } : {}) });
    }
    setBusy(false);
    if (failure) return setStep(otp ? { name: "code", error: failure } : { name: "confirm", error: failure });
    // The session went with the account: the app moves to the signed-out screen.
    await authClient.getSession();
  }

  const cancel = () => setStep({ name: "closed" });
  if (step.name === "closed") {
    return (
      <button type="button" className="danger" onClick={() => setStep({ name: "confirm" })}>
        Delete account
      </button>
    );
  }
  if (step.name === "code") {
    return (
      <CodeStep
        label="Confirm deleting your account"
        sentTo={email}
        confirm="Delete my account"
        busy={busy}
        error={step.error}
        initialOtp={linked?.otp}
        onSubmit={(otp) => void remove(otp)}
        onCancel={cancel}
      />
    );
  }
  return (
    <div role="alertdialog" aria-label="Delete account">
      <p className="lead">Delete your account and profile? This cannot be undone.</p>
      <Refusal error={step.error} otherwise="Could not delete the account." />
      <div className="row">
        <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
          {busy ? "Deleting…" : "Delete for good"}
        </button>
        <button type="button" className="link" onClick={cancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
