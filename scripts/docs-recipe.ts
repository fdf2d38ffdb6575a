/**
 * The app that `docs/` describes, as `npm run check:package` builds it: every code block of a docs
 * page whose first line is `// <path>` is a whole file of that app; blocks without that line are
 * excerpts and are not written.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** One file of the app: a code block whose first line is `// <path>`, and the page it is on. */
export type RecipeFile = { path: string; content: string; page: string };

const CODE_BLOCK = /^```(\w+)\n([\s\S]*?)^```$/gm;
const PATH_LINE = /^\/\/ ((?:[\w.-]+\/)*[\w.-]+\.(?:ts|tsx|js))\n/;

/** The page whose `npm install` lines set the app up. */
export const INSTALL_PAGE = "install.md";

/**
 * Every file the pages of `docsDir` show whole (the `// <path>` line included), and the arguments
 * of each `npm install` line of the install page. A path shown twice is an error: one page owns
 * each file, others show excerpts.
 */
export function docsRecipe(docsDir: string) {
  const files: RecipeFile[] = [];
  const pages = readdirSync(docsDir).filter((name) => name.endsWith(".md")).sort();
  for (const page of pages) {
    for (const [, , body] of readFileSync(path.join(docsDir, page), "utf8").matchAll(CODE_BLOCK)) {
      const file = PATH_LINE.exec(body!)?.[1];
      if (!file) continue;
      const earlier = files.find((known) => known.path === file);
      if (earlier) throw new Error(`docs show ${file} whole twice: in ${earlier.page} and in ${page}`);
      files.push({ path: file, content: body!, page });
    }
  }
  const installs = [...readFileSync(path.join(docsDir, INSTALL_PAGE), "utf8").matchAll(CODE_BLOCK)]
    .filter(([, lang]) => lang === "sh")
    .flatMap(([, , body]) => body!.split("\n"))
    .map((line) => line.replace(/\s+#.*$/, ""))
    .filter((line) => line.startsWith("npm install "))
    .map((line) => line.split(/\s+/).slice(1));
  if (installs.length === 0) throw new Error(`docs/${INSTALL_PAGE} has no npm install line`);
  return { files, installs };
}
