import { useCallback, useEffect, useState } from "react";

/**
 * A wait the server asked for (`retryAfter`), counted down on screen: `secondsLeft` is 0 when
 * there is none. `start(seconds)` begins one, replacing any other; `stop()` ends it early.
 *
 * ```tsx
 * const wait = useCountdown();
 * if (error?.retryAfter) wait.start(error.retryAfter);
 * <button disabled={wait.secondsLeft > 0}>Send again in {formatWait(wait.secondsLeft)}</button>
 * ```
 */
export function useCountdown() {
  const [endsAt, setEndsAt] = useState<number>();
  const [secondsLeft, setSecondsLeft] = useState(0);

  useEffect(() => {
    if (endsAt === undefined) return;
    const timer = setInterval(() => {
      const left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      setSecondsLeft(left); // The same number again renders nothing.
      if (left === 0) setEndsAt(undefined);
    }, 250);
    return () => clearInterval(timer);
  }, [endsAt]);

  const start = useCallback((seconds: number) => {
    setEndsAt(Date.now() + seconds * 1000);
    setSecondsLeft(Math.ceil(seconds)); // Now, so the button is never enabled for a frame.
  }, []);
  const stop = useCallback(() => {
    setEndsAt(undefined);
    setSecondsLeft(0);
  }, []);
  return { secondsLeft, start, stop };
}

/** `27 s` under a minute, `4 min` above (rounded up): how long a person still has to wait. */
export const formatWait = (seconds: number) =>
  seconds < 60 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
