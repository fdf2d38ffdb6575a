import { Field } from "./Field";

/** The code input of every code step: digits only, up to 6, with the system's one-time-code autofill. */
export function CodeField({ value, onChange }: { value: string; onChange: (code: string) => void }) {
  return (
    <Field
      label="Code"
      name="otp"
      className="otp"
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      value={value}
      onChange={(event) => onChange(event.target.value.replace(/\D/g, ""))}
      autoFocus
    />
  );
}
