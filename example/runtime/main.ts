/**
 * `npm start`: the reference backend (`convex/`) hosted in this process on convex-test, with the
 * example app, Convex's HTTP API and sync protocol, and Better Auth's routes on one origin. For
 * development only: data lives in memory and a restart starts empty.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildAppIfStale } from "./build-app.js";
import { createCommitFeed } from "./commits.js";
import { convexSyncServer } from "./convex-sync.js";
import { loadDeployment } from "./deployment.js";
import { usesDevMailbox } from "./dev-mailbox.js";
import { logRuntimeFailure } from "./log.js";
import { runtimeRoutes } from "./routes.js";
import { secondOriginApp } from "./second-origin.js";
import { createRuntimeServer } from "./server.js";
import { createTokenVerifier } from "./token-verifier.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const appDir = path.join(repo, "example", "dist");

const port = Number(process.env.PORT ?? 3000);
const host = "127.0.0.1";
const origin = `http://${host}:${port}`;

// The app's HTTP actions and its functions share this one origin, so Better Auth's base URL and
// the Convex JWT's issuer are both this server. Read by convex/auth.ts and auth.config.ts at import.
process.env.SITE_URL = origin;
process.env.CONVEX_SITE_URL = origin;
// The app on a second origin too, when APP_PORT names one: the cross-domain setup, its origin
// trusted through TRUSTED_ORIGINS like any other the app lists.
const appOrigin = process.env.APP_PORT ? `http://${host}:${Number(process.env.APP_PORT)}` : undefined;
if (appOrigin) process.env.TRUSTED_ORIGINS = [process.env.TRUSTED_ORIGINS, appOrigin].filter(Boolean).join(",");
// The profile's "Change email" needs the route that changes it by code.
process.env.OTP_OPTIONAL_ROUTES ??= "change-email";
// A fresh secret per run is enough: sessions live in memory and end with the process anyway.
process.env.BETTER_AUTH_SECRET ??= randomBytes(32).toString("hex");
// The terminal stands in for an inbox: print each code, and the full address it went to.
process.env.OTP_PRINT_CODES ??= "1";
process.env.OTP_LOG_ADDRESSES ??= "1";

// A failure outside any request (a scheduled function, a stray promise) is logged, not fatal.
process.on("unhandledRejection", (error) => logRuntimeFailure("unhandled rejection", error));
process.on("uncaughtException", (error) => logRuntimeFailure("uncaught exception", error));

const deployment = await loadDeployment(path.join(repo, "convex"));
const { createAuthOptions } = await deployment.load("auth.ts");
// The component reads these options without a ctx too; only the plugin list is looked at here.
const devMailbox = usesDevMailbox(createAuthOptions({}));

buildAppIfStale(repo);

const verifyToken = createTokenVerifier(deployment.authConfig);
const commits = createCommitFeed(deployment);
const routes = runtimeRoutes({ origin, deployment, verifyToken, commits, devMailbox, appDir });
const server = createRuntimeServer(origin, routes);
server.on("upgrade", convexSyncServer({ deployment, verifyToken, commits }).upgrade);
server.on("error", (error) => {
  logRuntimeFailure(`could not listen on ${origin}`, error);
  process.exit(1);
});
if (appOrigin) {
  const appServer = createRuntimeServer(appOrigin, [secondOriginApp(appDir, origin)]);
  await new Promise<void>((resolve, reject) => {
    appServer.once("error", reject);
    appServer.listen(Number(process.env.APP_PORT), host, resolve);
  });
}
server.listen(port, host, () => {
  console.log(`\n  convex-otp-onboarding is running at ${origin}\n`);
  if (appOrigin) console.log(`  The app on a second origin (cross-domain): ${appOrigin}`);
  if (devMailbox) console.log(`  Dev mailbox: ${origin}/dev/mailbox (codes are also printed below)`);
  console.log("  Local runtime: in memory, single process, for development only.\n");
});
