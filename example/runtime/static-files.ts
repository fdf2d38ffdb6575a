import { readFile, stat } from "node:fs/promises";
import path from "node:path";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

async function fileResponse(file: string, cache: string): Promise<Response | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const type = CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream";
  return new Response(await readFile(file), {
    headers: { "content-type": type, "cache-control": cache },
  });
}

/**
 * The example app's built pages (`vite build` output). Hashed assets are cached for good; any
 * other GET that asks for HTML gets `index.html`, so that the app's own routes survive a reload.
 */
export function staticFiles(root: string) {
  return async function serve(request: Request): Promise<Response | undefined> {
    if (request.method !== "GET" && request.method !== "HEAD") return undefined;
    const { pathname } = new URL(request.url);
    const wanted = pathname.endsWith("/") ? `${pathname}index.html` : pathname;
    const file = path.join(root, path.normalize(decodeURIComponent(wanted)));
    if (!file.startsWith(root + path.sep) && file !== root) return undefined;
    const immutable = pathname.startsWith("/assets/");
    const found = await fileResponse(file, immutable ? "public, max-age=31536000, immutable" : "no-cache");
    if (found) return found;
    if (!request.headers.get("accept")?.includes("text/html")) return undefined;
    return fileResponse(path.join(root, "index.html"), "no-cache");
  };
}
