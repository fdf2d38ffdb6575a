import { useState, type FormEvent } from "react";
import { signUpFields } from "../../../convex/signUpFields";
import { emailSchema } from "convex-otp-onboarding/client";
import { authClient } from "../auth-client";
import { codeErrorMessage, type AuthError } from "../auth-errors";
import { Field } from "../components/Field";
import { fieldErrorsFromServer, validate, type FieldErrors } from "../field-errors";
import type { PendingCode } from "./CodeForm";

// The server's own rules (its sign-up schema and its email rule): checked here first, then again there.
const signUpForm = signUpFields.extend({ email: emailSchema });

type Values = { email: string; username: string; name: string };

type SignUpFormProps = {
  onCodeSent: (pending: PendingCode) => void;
  /** What was typed before, e.g. when the server refused a field after the code step. */
  initial?: Partial<Values>;
  /** The server's answer to show next to the fields. */
  serverError?: AuthError;
};

/** Step 1: email, username and display name, checked before any code is sent. */
export function SignUpForm({ onCodeSent, initial, serverError }: SignUpFormProps) {
  const [values, setValues] = useState<Values>({
    email: initial?.email ?? "",
    username: initial?.username ?? "",
    name: initial?.name ?? "",
  });
  const [errors, setErrors] = useState<FieldErrors>(() =>
    serverError ? (fieldErrorsFromServer(serverError) ?? {}) : {},
  );
  const [formError, setFormError] = useState<string>();
  const [sending, setSending] = useState(false);

  const set = (key: keyof typeof values) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [key]: event.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(undefined);
    const { data, errors: invalid } = validate(signUpForm, { ...values, name: values.name || undefined });
    setErrors(invalid ?? {});
    if (!data) return;

    setSending(true);
    const { email, ...fields } = data;
    // The fields ride along so the server checks them (a taken username too) before mailing a code.
    const { error } = await authClient.$fetch<{ success: boolean }>("/email-otp/send-verification-otp", {
      method: "POST",
      body: { email, type: "sign-in", ...fields },
    });
    setSending(false);
    if (error) return showServerError(error as AuthError);
    onCodeSent({ email, fields, mode: "sign-up" });
  }

  function showServerError(error: AuthError) {
    const fieldErrors = fieldErrorsFromServer(error);
    if (fieldErrors) setErrors(fieldErrors);
    else setFormError(codeErrorMessage(error));
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Create account">
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        value={values.email}
        onChange={set("email")}
        error={errors.email}
      />
      <Field
        label="Username"
        name="username"
        autoComplete="username"
        value={values.username}
        onChange={set("username")}
        error={errors.username}
        hint="3–20 lowercase letters, digits or _"
      />
      <Field
        label="Display name"
        name="name"
        autoComplete="name"
        value={values.name}
        onChange={set("name")}
        error={errors.name}
        hint="What others see. Optional: your username otherwise."
      />
      {formError ? <p className="alert" role="alert">{formError}</p> : null}
      <button type="submit" disabled={sending}>
        {sending ? "Sending code…" : "Send me a code"}
      </button>
    </form>
  );
}
