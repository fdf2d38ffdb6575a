import { useId, type InputHTMLAttributes } from "react";

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  /** The message shown under the input, tied to it for screen readers. */
  error?: string;
  hint?: string;
  multiline?: boolean;
};

/** A labelled input with its hint or error underneath. */
export function Field({ label, error, hint, multiline, ...input }: FieldProps) {
  const id = useId();
  const noteId = `${id}-note`;
  const shared = {
    id,
    name: input.name,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error || hint ? noteId : undefined,
  };
  return (
    <div className={error ? "field invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea
          {...shared}
          rows={3}
          value={input.value}
          onChange={input.onChange as never}
          disabled={input.disabled}
          maxLength={input.maxLength}
        />
      ) : (
        <input {...input} {...shared} />
      )}
      {error ? (
        <p className="note error" id={noteId} data-field-error={input.name}>
          {error}
        </p>
      ) : hint ? (
        <p className="note" id={noteId}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
