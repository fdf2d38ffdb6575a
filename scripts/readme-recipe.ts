/** One file of the README's recipe: a code block whose first line is `// <path>`. */
export type RecipeFile = { path: string; content: string };

const CODE_BLOCK = /^```(\w+)\n([\s\S]*?)^```$/gm;
const PATH_LINE = /^\/\/ ((?:[\w.-]+\/)*[\w.-]+\.(?:ts|tsx|js))\n/;

/** The sections that make up the recipe; snippets elsewhere in the README are excerpts. */
const RECIPE_SECTIONS = ["Install in your app", "Test with convex-test"];

const section = (readme: string, title: string) => {
  const found = readme.split(/^## /m).find((part) => part.startsWith(`${title}\n`));
  if (!found) throw new Error(`README has no "${title}" section`);
  return found;
};

/**
 * The app the README describes: every code block of its recipe sections that starts with a
 * `// <path>` line (written whole, that line included), and the arguments of each `npm install`
 * line in "Install in your app".
 */
export function readmeRecipe(readme: string) {
  const files: RecipeFile[] = [];
  const recipe = RECIPE_SECTIONS.map((title) => section(readme, title)).join("\n");
  for (const [, , body] of recipe.matchAll(CODE_BLOCK)) {
    const path = PATH_LINE.exec(body!)?.[1];
    if (!path) continue;
    if (files.some((file) => file.path === path)) throw new Error(`README shows ${path} twice`);
    files.push({ path, content: body! });
  }
  const installs = [...section(readme, "Install in your app").matchAll(CODE_BLOCK)]
    .filter(([, lang]) => lang === "sh")
    .flatMap(([, , body]) => body!.split("\n"))
    .map((line) => line.replace(/\s+#.*$/, ""))
    .filter((line) => line.startsWith("npm install "))
    .map((line) => line.split(/\s+/).slice(1));
  return { files, installs };
}
