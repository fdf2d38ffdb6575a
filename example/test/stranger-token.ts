import { generateKeyPair, SignJWT } from "jose";

/** A well-formed Convex-audience JWT from an issuer that `convex/auth.config.ts` does not know. */
export async function strangerToken(): Promise<string> {
  const { privateKey } = await generateKeyPair("RS256");
  return await new SignJWT({ sessionId: "x" })
    .setProtectedHeader({ alg: "RS256" })
    .setIssuer("https://issuer.example")
    .setAudience("convex")
    .setSubject("u1")
    .setExpirationTime("5m")
    .sign(privateKey);
}
