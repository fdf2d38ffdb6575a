/**
 * Where the app finds its backend. Unset (as under `npm start`), everything is on this page's
 * origin: the local runtime, which serves Convex's API and sync protocol itself. Set
 * `VITE_CONVEX_URL` (https://<name>.convex.cloud) to use a real deployment's functions; Better
 * Auth stays on this origin through the dev server's proxy.
 */
export const convexUrl: string = import.meta.env.VITE_CONVEX_URL ?? window.location.origin;

/** Whether the app runs on the local runtime, which has a dev mailbox instead of real mail. */
export const isLocalRuntime = !import.meta.env.VITE_CONVEX_URL;
