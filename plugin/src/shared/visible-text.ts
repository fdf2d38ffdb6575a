import * as z from "zod";

// Control characters (NUL, escapes, line breaks) and format characters (zero-width spaces and
// joiners, bidirectional overrides such as U+202E): invisible in a name, misleading in a profile.
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;
const CONTROL_OR_FORMAT_BUT_LINE_BREAKS = /(?!\n)[\p{Cc}\p{Cf}]/u;
// Anything but spaces, separators, control and format characters.
const VISIBLE = /[^\p{White_Space}\p{Z}\p{Cc}\p{Cf}]/u;

/** Why `value` is no text a person can read, or `undefined` when it is. */
export function textIssue(value: string, { multiline = false } = {}): string | undefined {
  const hidden = multiline ? CONTROL_OR_FORMAT_BUT_LINE_BREAKS : CONTROL_OR_FORMAT;
  if (hidden.test(value)) return "Use visible characters only";
  // Blank text is the schema's to judge (its own `min`, after `trim`).
  if (value.trim().length > 0 && !VISIBLE.test(value)) return "Use at least one visible character";
  return undefined;
}

/**
 * A string schema that refuses control and format characters (zero-width, bidirectional
 * overrides) and text with nothing visible in it; `multiline` allows line breaks. The plugin
 * applies the same rule to every string sign-up field; use this for other text people see.
 *
 * ```ts
 * const bio = visibleText({ multiline: true }).max(160);
 * ```
 */
export function visibleText(options: { multiline?: boolean } = {}) {
  return z.string().superRefine((value, ctx) => {
    const issue = textIssue(value, options);
    if (issue) ctx.addIssue({ code: "custom", message: issue });
  });
}
