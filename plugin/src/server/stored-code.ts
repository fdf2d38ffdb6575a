import type { AuthContext } from "@better-auth/core";
import type { Verification } from "better-auth";
import type { OtpType } from "../mail/sender.js";

/**
 * Where a code is kept: the `verification` row Better Auth's emailOTP names `<purpose>-otp-<email>`
 * (for an email change, `<current>-<new>` stands for the email). The one place that knows it.
 */
export function codeIdentifier(purpose: OtpType, email: string, currentEmail?: string): string {
  const address = purpose === "change-email" && currentEmail ? `${currentEmail}-${email}` : email;
  return `${purpose}-otp-${address}`;
}

/** The wrong tries recorded in a stored code value, `<stored code>:<tries>` as emailOTP writes it. */
export const triesOf = (value: string) => Number(value.slice(value.lastIndexOf(":") + 1)) || 0;

type CodeReader = Pick<AuthContext["adapter"], "findMany">;

/** The latest code kept under `identifier`, as Better Auth's check picks it, or `null`. */
export async function latestCode(adapter: CodeReader, identifier: string): Promise<Verification | null> {
  const [row] = await adapter.findMany<Verification>({
    model: "verification",
    where: [{ field: "identifier", value: identifier }],
    sortBy: { field: "createdAt", direction: "desc" },
    limit: 1,
  });
  return row ?? null;
}

/** Whether a code can still be used: it exists, has not expired and has tries left. */
export function isLive(code: Verification | null, allowedAttempts: number, now = new Date()): boolean {
  return !!code && new Date(code.expiresAt) >= now && triesOf(code.value) < allowedAttempts;
}
