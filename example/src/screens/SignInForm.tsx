import { useState, type FormEvent } from "react";
import { z } from "zod";
import { emailSchema } from "convex-otp-onboarding/client";
import { authClient } from "../auth-client";
import { codeErrorMessage, type AuthError } from "../auth-errors";
import { Field } from "../components/Field";
import { fieldErrorsFromServer, validate, type FieldErrors } from "../field-errors";
import type { PendingCode } from "./CodeForm";

const signInForm = z.object({ email: emailSchema });

/** Sign in again: the email only; the code does the rest. */
export function SignInForm({ onCodeSent }: { onCodeSent: (pending: PendingCode) => void }) {
  const [email, setEmail] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(undefined);
    const { data, errors: invalid } = validate(signInForm, { email });
    setErrors(invalid ?? {});
    if (!data) return;
    setSending(true);
    const { error } = await authClient.emailOtp.sendVerificationOtp({ email: data.email, type: "sign-in" });
    setSending(false);
    if (!error) return onCodeSent({ email: data.email, mode: "sign-in" });
    const fieldErrors = fieldErrorsFromServer(error as AuthError);
    if (fieldErrors) setErrors(fieldErrors);
    else setFormError(codeErrorMessage(error as AuthError));
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Sign in">
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={errors.email}
      />
      {formError ? <p className="alert" role="alert">{formError}</p> : null}
      <button type="submit" disabled={sending}>
        {sending ? "Sending code…" : "Send me a code"}
      </button>
    </form>
  );
}
