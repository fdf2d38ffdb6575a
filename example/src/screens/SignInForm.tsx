import { useState, type FormEvent } from "react";
import { z } from "zod";
import { emailSchema } from "convex-otp-onboarding/client";
import { codeErrorMessage, WAIT_NOTICE } from "../auth-errors";
import { Field } from "../components/Field";
import { SendCodeButton } from "../components/SendCodeButton";
import { fieldErrorsFromServer, validate, withoutFixedError, type FieldErrors } from "../field-errors";
import { requestCode } from "../request-code";
import { useCountdown } from "../use-countdown";
import type { PendingCode } from "./CodeForm";

const signInForm = z.object({ email: emailSchema });

/** Sign in again: the email only; the code does the rest. */
export function SignInForm({ onCodeSent, ...typed }: { onCodeSent: (pending: PendingCode) => void; email?: string }) {
  const [email, setEmail] = useState(typed.email ?? "");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const [sending, setSending] = useState(false);
  const wait = useCountdown();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(undefined);
    const { data, errors: invalid } = validate(signInForm, { email });
    setErrors(invalid ?? {});
    if (!data) return;
    setSending(true);
    const { error } = await requestCode(data.email);
    setSending(false);
    if (!error) return onCodeSent({ email: data.email, mode: "sign-in" });
    if (error.retryAfter) return wait.start(error.retryAfter);
    const fieldErrors = fieldErrorsFromServer(error);
    if (fieldErrors) setErrors(fieldErrors);
    else setFormError(codeErrorMessage(error));
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Sign in">
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(event) => {
          setEmail(event.target.value);
          setErrors((current) => withoutFixedError(current, signInForm, "email", event.target.value));
          wait.stop(); // The wait was for the email typed before.
        }}
        error={errors.email}
      />
      {formError ? <p className="alert" role="alert">{formError}</p> : null}
      {wait.secondsLeft > 0 ? <p className="notice info" role="status">{WAIT_NOTICE}</p> : null}
      <SendCodeButton type="submit" label="Send me a code" sending={sending} wait={wait.secondsLeft} />
    </form>
  );
}
