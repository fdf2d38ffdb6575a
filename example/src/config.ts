/**
 * Where the app finds its backend. Unset (as under `npm start`), everything is on this page's
 * origin: the local runtime, which serves Convex's API and sync protocol itself. Set
 * `VITE_CONVEX_URL` (https://<name>.convex.cloud) to use a real deployment's functions; Better
 * Auth stays on this origin through the dev server's proxy.
 */
/**
 * The backend of an app served from another origin than its backend (the cross-domain setup): the
 * local runtime names it in a meta tag on its second origin (`APP_PORT`). Unset on the backend's own origin.
 */
export const crossDomainBackend: string | undefined =
  document.querySelector<HTMLMetaElement>('meta[name="convex-backend"]')?.content || undefined;

export const convexUrl: string = import.meta.env.VITE_CONVEX_URL ?? crossDomainBackend ?? window.location.origin;

/** Where Better Auth's routes are: this origin (itself, or the dev server's proxy), or the cross-domain backend. */
export const authUrl: string = crossDomainBackend ?? window.location.origin;

/** Whether the app runs on the local runtime, which has a dev mailbox instead of real mail. */
export const isLocalRuntime = !import.meta.env.VITE_CONVEX_URL;
