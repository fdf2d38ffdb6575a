import type { ButtonHTMLAttributes } from "react";
import { formatWait } from "../use-countdown";

type SendCodeButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  label: string;
  sending: boolean;
  /** Seconds the server asked to wait before the next code (`useCountdown().secondsLeft`). */
  wait: number;
};

/** A button that asks for a code: disabled while sending, and counting down while it must wait. */
export function SendCodeButton({ label, sending, wait, disabled, ...button }: SendCodeButtonProps) {
  return (
    <button {...button} disabled={disabled || sending || wait > 0}>
      {wait > 0 ? `Send again in ${formatWait(wait)}` : sending ? "Sending code…" : label}
    </button>
  );
}
