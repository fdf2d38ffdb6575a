import type { SignUpFields } from "../../convex/signUpFields";
import { authClient } from "./auth-client";
import type { AuthError } from "./auth-errors";

/**
 * Asks the server to mail a sign-in code to `email`. A new account's sign-up `fields` ride along,
 * so the server checks them (a taken username too) before any mail goes out. When the answer is
 * "too soon" (429), `error.retryAfter` is the seconds to wait: from the body, else from the
 * `Retry-After` header.
 */
export async function requestCode(email: string, fields?: SignUpFields): Promise<{ error?: AuthError }> {
  let retryAfterHeader: string | null = null;
  const sent = await authClient
    .$fetch<{ success: boolean }>("/email-otp/send-verification-otp", {
      method: "POST",
      body: { email, type: "sign-in", ...fields },
      onError: ({ response }) => {
        retryAfterHeader = response.headers.get("Retry-After");
      },
    })
    // No answer at all: the network, or a backend that does not allow this page's origin (CORS).
    .catch(() => ({ error: { message: "Could not reach the server. Check your connection and try again." } }));
  const { error } = sent;
  if (!error) return {};
  const answer = error as AuthError;
  return { error: { ...answer, retryAfter: answer.retryAfter ?? secondsFromHeader(retryAfterHeader) } };
}

/** `Retry-After` is either seconds or an HTTP date. */
function secondsFromHeader(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined;
}
