/**
 * The second peer: Convex Auth (`@convex-dev/auth` 0.0.95, bench/peer-convex-auth/) with its
 * email-code provider, on its own convex-test instance with every call counted. Its client signs in
 * by calling the `auth:signIn` action twice (send a code, then sign in with it); there is no HTTP
 * route on the way, so each action call is one request.
 */
import { convexTest } from "convex-test";
import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CallLog, countedModules } from "./calls.js";
import { moduleMap } from "./modules.js";
import { api } from "./peer-convex-auth/_generated/api.js";
import schema from "./peer-convex-auth/schema.js";
import { codeFor } from "./signup.js";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The folder of the peer's Convex functions. */
export const peerDir = join(root, "bench/peer-convex-auth");

/**
 * The environment Convex Auth reads: its JWT signing key and the matching JWKS (a fresh RS256 pair,
 * made as its `npx @convex-dev/auth` does), and the two URLs. Values already set are kept; the URLs
 * are the test kit's defaults, which the other setups use too.
 */
function setPeerEnv() {
  if (!process.env.JWT_PRIVATE_KEY || !process.env.JWKS) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pkcs8 = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    process.env.JWT_PRIVATE_KEY = pkcs8.trimEnd().replace(/\n/g, " ");
    process.env.JWKS = JSON.stringify({ keys: [{ use: "sig", ...publicKey.export({ format: "jwk" }) }] });
  }
  process.env.CONVEX_SITE_URL ??= "http://127.0.0.1:3211";
  process.env.SITE_URL ??= "http://localhost:3000";
}

/** A fresh Convex Auth backend: its convex-test instance and its call log. */
export function startPeer() {
  setPeerEnv();
  const log = new CallLog();
  const t = convexTest(schema, countedModules(moduleMap(peerDir), log));
  return { name: "convex-auth" as const, t, log };
}

/** The Convex Auth backend. */
export type Peer = ReturnType<typeof startPeer>;

/**
 * Signs a new user up on Convex Auth, as its React client does: `signIn("email", { email })`, the
 * code from the mail, then `signIn("email", { email, code })`. Returns the milliseconds from asking
 * for the code to the answer with the tokens.
 */
export async function timedPeerSignUp(peer: Peer, email: string): Promise<{ ms: number }> {
  const start = performance.now();
  const sent = await peer.t.action(api.auth.signIn, { provider: "email", params: { email } });
  if (!sent.started) throw new Error(`Convex Auth send code: ${JSON.stringify(sent)}`);
  const code = codeFor(email);
  if (!code) throw new Error(`Convex Auth send code: no mail for ${email}`);
  const signedIn = await peer.t.action(api.auth.signIn, {
    provider: "email",
    params: { email, code },
  });
  if (!signedIn.tokens) throw new Error(`Convex Auth sign in: ${JSON.stringify(signedIn)}`);
  const elapsed = performance.now() - start;
  await peer.t.finishAllScheduledFunctions(() => {});
  return { ms: elapsed };
}
