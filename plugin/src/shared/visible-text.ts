import * as z from "zod";

// Control characters (NUL, escapes, line breaks), format characters (zero-width spaces, direction
// overrides such as U+202E) and lone surrogates: invisible in a name, misleading in a profile.
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}]/u;
const HIDDEN_BUT_LINE_BREAKS = /(?!\n)[\p{Cc}\p{Cf}\p{Cs}]/u;
// The one format character that belongs in names: the joiner inside an emoji sequence (👨‍👩‍👧).
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic})/gu;
// Anything but spaces, separators, control and format characters, marks, and characters that
// are drawn as nothing (the Hangul filler U+3164 and the like).
const VISIBLE = /[^\p{White_Space}\p{Z}\p{Cc}\p{Cf}\p{Cs}\p{M}\p{Default_Ignorable_Code_Point}]/u;

/** Why `value` is no text a person can read, or `undefined` when it is. */
export function textIssue(value: string, { multiline = false } = {}): string | undefined {
  const hidden = multiline ? HIDDEN_BUT_LINE_BREAKS : HIDDEN;
  if (hidden.test(value.replace(EMOJI_JOINER, ""))) return "Use visible characters only";
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
