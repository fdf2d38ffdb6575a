/** The deployment's environment `init` prints (or sets with `--set-env`); no secret goes into a file. */
import { randomBytes } from "node:crypto";

/** `npx convex env set` argument lists: a new `BETTER_AUTH_SECRET` from the OS's randomness, `SITE_URL`. */
export function envCommands(siteUrl: string): string[][] {
  const secret = randomBytes(32).toString("base64");
  return [
    ["convex", "env", "set", "BETTER_AUTH_SECRET", secret],
    ["convex", "env", "set", "SITE_URL", siteUrl],
  ];
}

/** Where the app runs in development: Vite's default port, else Next.js's and most others'. */
export const defaultSiteUrl = (dependencies: Set<string>) =>
  dependencies.has("vite") ? "http://localhost:5173" : "http://localhost:3000";
