import type { Route } from "./server.js";
import { staticFiles } from "./static-files.js";

/**
 * The example app served from a second origin (`APP_PORT`), as an app on a host of its own is in
 * `@convex-dev/better-auth`'s cross-domain setup: its pages name the backend (the runtime's first
 * origin) in a meta tag, and the app then calls it with `crossDomainClient()` and CORS. Only the
 * app's files are served here: the auth routes, the functions and the mailbox stay on the backend.
 */
export function secondOriginApp(appDir: string, backend: string): Route {
  const serve = staticFiles(appDir);
  return async (request) => {
    const response = await serve(request);
    if (!response?.headers.get("content-type")?.startsWith("text/html")) return response;
    const meta = `<meta name="convex-backend" content="${backend}" />`;
    const html = (await response.text()).replace("<head>", `<head>\n    ${meta}`);
    return new Response(html, { status: response.status, headers: response.headers });
  };
}
