/**
 * Reading the app's files for `init`: every read goes through here, so an unreadable file stops the
 * plan with its path before anything is written.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { InitError } from "./errors.js";

/** The text of `file`, or `null` when there is no such file. */
export function readText(file: string): string | null {
  if (!existsSync(file)) return null;
  try {
    if (!statSync(file).isFile()) throw new InitError(`${file} is not a file.`);
    return readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof InitError) throw error;
    throw new InitError(`cannot read ${file}: ${(error as Error).message}. Nothing was changed.`);
  }
}
