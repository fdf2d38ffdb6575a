import { useQuery } from "convex/react";
import { useState, type FormEvent } from "react";
import { api } from "../../../convex/_generated/api";
import { signUpFields, type SignUpFields } from "../../../convex/signUpFields";
import { emailSchema } from "convex-otp-onboarding/client";
import { authClient } from "../auth-client";
import { codeErrorMessage, codes, needsNewCode, WAIT_NOTICE, type AuthError } from "../auth-errors";
import { Field } from "../components/Field";
import { SendCodeButton } from "../components/SendCodeButton";
import { existingAccountNotice } from "../existing-account";
import { fieldErrorsFromServer, validate, withoutFixedError, type FieldErrors } from "../field-errors";
import { requestCode } from "../request-code";
import { useCountdown } from "../use-countdown";
import type { PendingCode } from "./CodeForm";

// The server's own rules (its sign-up schema and its email rule): checked here first, then again there.
const signUpForm = signUpFields.extend({ email: emailSchema });

type Values = { email: string; username: string; name: string; invite: string };

/** The invite code a link carries (`#invite=...`, a fragment: it never reaches a server). */
export const inviteFromLink = () => new URLSearchParams(window.location.hash.slice(1)).get("invite") ?? "";

type SignUpFormProps = {
  onCodeSent: (pending: PendingCode) => void;
  /** Signed in with a code already in hand; `notice` as for the code step. */
  onSignedIn: (notice?: string) => void;
  /** The code step this form came back to: what was typed, and a code still good to use. */
  pending?: PendingCode;
  /** The server's answer to show next to the fields. */
  serverError?: AuthError;
};

/**
 * Step 1: email, username and display name, checked before any code is sent. Coming back from the
 * code step with a code the server found right (`pending.acceptedOtp`), it signs in with that code
 * and the fields instead: no second mail.
 */
export function SignUpForm({ onCodeSent, onSignedIn, pending, serverError }: SignUpFormProps) {
  const [values, setValues] = useState<Values>({
    email: pending?.email ?? "",
    username: pending?.fields?.username ?? "",
    name: pending?.fields?.name ?? "",
    invite: pending?.fields?.invite ?? inviteFromLink(),
  });
  // Who may sign up here: the invite field shows when the policy asks for one, or a link filled it.
  const signUpMode = useQuery(api.invites.signUpMode);
  const asksForInvite = signUpMode?.asksForInvite === true || values.invite !== "";
  const [errors, setErrors] = useState<FieldErrors>(() =>
    serverError ? (fieldErrorsFromServer(serverError) ?? {}) : {},
  );
  const [formError, setFormError] = useState<string>();
  const [sending, setSending] = useState(false);
  const [acceptedOtp, setAcceptedOtp] = useState(pending?.acceptedOtp);
  const wait = useCountdown();
  // The code in hand is for the email it was sent to; another email needs its own.
  const codeInHand = emailSchema.safeParse(values.email).data === pending?.email ? acceptedOtp : undefined;

  const set = (key: keyof typeof values) => (event: { target: { value: string } }) => {
    const value = event.target.value;
    setValues((current) => ({ ...current, [key]: value }));
    setErrors((current) => withoutFixedError(current, signUpForm, key, key === "name" ? value || undefined : value));
    if (key === "email") wait.stop(); // The wait was for the email typed before.
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(undefined);
    const { data, errors: invalid } = validate(signUpForm, {
      ...values,
      name: values.name || undefined,
      invite: values.invite.trim() || undefined,
    });
    setErrors(invalid ?? {});
    if (!data) return;

    setSending(true);
    const { email, ...fields } = data;
    const settled = codeInHand !== undefined && (await signInWithCodeInHand(email, codeInHand, fields));
    if (!settled) await sendCode(email, fields);
    setSending(false);
  }

  /** Signs in with the code in hand. Whether that settled the submit: signed in, or told why not. */
  async function signInWithCodeInHand(email: string, otp: string, fields: SignUpFields) {
    const startedAt = Date.now();
    const { data, error } = await authClient.signIn.emailOtp({ email, otp, ...fields });
    if (data) {
      onSignedIn(existingAccountNotice(fields, data.user, startedAt));
      return true;
    }
    const answer = error as AuthError;
    if (needsNewCode(answer) || answer.code === codes.INVALID_OTP.code) {
      setAcceptedOtp(undefined); // It no longer works (e.g. it expired meanwhile): mail a new one.
      return false;
    }
    showServerError(answer); // Refused and rolled back: the code still works for the next try.
    return true;
  }

  async function sendCode(email: string, fields: SignUpFields) {
    // The fields ride along so the server checks them (a taken username too) before mailing a code.
    const { error } = await requestCode(email, fields);
    const mode = signUpMode?.mode ?? "open";
    const policy = mode === "open" || fields.invite ? undefined : mode === "waitlist" ? "waitlist" : "closed";
    if (!error) return onCodeSent({ email, fields, mode: "sign-up", ...(policy ? { policy } : {}) });
    if (error.retryAfter) return wait.start(error.retryAfter);
    showServerError(error);
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
      {asksForInvite ? (
        <Field
          label="Invite code"
          name="invite"
          autoComplete="off"
          value={values.invite}
          onChange={set("invite")}
          error={errors.invite}
          hint={signUpMode?.mode === "waitlist" ? "No invite? Leave it empty to join the waitlist." : "From the person who invited you."}
        />
      ) : null}
      {formError ? <p className="alert" role="alert">{formError}</p> : null}
      {wait.secondsLeft > 0 ? <p className="notice info" role="status">{WAIT_NOTICE}</p> : null}
      {codeInHand !== undefined ? (
        <button type="submit" disabled={sending}>
          {sending ? "Creating account…" : "Create account"}
        </button>
      ) : (
        <SendCodeButton type="submit" label="Send me a code" sending={sending} wait={wait.secondsLeft} />
      )}
    </form>
  );
}
