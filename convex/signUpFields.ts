/**
 * The reference app's sign-up and profile rules: one Zod schema that the server plugin, the
 * Convex functions and the example's forms all import.
 */
import { visibleText } from "convex-otp-onboarding/client";
import * as z from "zod";

/**
 * A display name: what others see. Used for `name` at sign-up and `displayName` on the profile.
 * Text a person can read: no control or format characters (zero-width, direction overrides).
 */
export const displayName = visibleText()
  .trim()
  .min(1, { error: "Enter a display name" })
  .max(50, { error: "Use at most 50 characters" });

/** A short bio on the profile; line breaks are fine, other control and format characters are not. */
export const bio = visibleText({ multiline: true }).trim().max(160, { error: "Use at most 160 characters" });

/** A username: unique, 3–20 lowercase letters, digits or underscores. */
export const username = z
  .string({ error: "Choose a username" })
  .trim()
  .min(1, { error: "Choose a username", abort: true })
  .min(3, { error: "Use at least 3 characters" })
  .max(20, { error: "Use at most 20 characters" })
  .regex(/^[a-z0-9_]+$/, { error: "Use lowercase letters, digits and _ only" });

/** What a new user gives at sign-up, besides the email. */
export const signUpFields = z.object({
  username,
  name: displayName.optional(),
  /** An invite code, when the sign-up policy asks for one (never stored on the user). */
  invite: z.string().trim().max(64, { error: "Use at most 64 characters" }).optional(),
});

/** What the owner may change on their profile. */
export const profileUpdate = z.object({
  displayName: displayName.optional(),
  bio: bio.optional(),
});

export type SignUpFields = z.infer<typeof signUpFields>;
