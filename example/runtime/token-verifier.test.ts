import { getAuthConfigProvider } from "@convex-dev/better-auth/auth-config";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { AuthRefused, createTokenVerifier } from "./token-verifier";

const ISSUER = "http://127.0.0.1:3210";

// A provider as `getAuthConfigProvider({ jwks })` makes it for static keys: the JWKS inline.
async function setup() {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), alg: "RS256" };
  process.env.CONVEX_SITE_URL = ISSUER;
  const provider = getAuthConfigProvider({
    jwks: JSON.stringify([{ id: "key-1", publicKey: JSON.stringify(jwk), alg: "RS256" }]),
  });
  const verify = createTokenVerifier({ providers: [provider] });
  const sign = (expiresAt: number, audience = "convex") =>
    new SignJWT({ sessionId: "s1", email: "ann@example.com", email_verified: true })
      .setProtectedHeader({ alg: "RS256", kid: "key-1" })
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setSubject("user-1")
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(privateKey);
  return { verify, sign };
}

const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AuthRefused);
  return (error as AuthRefused).toJSON();
}

describe("Convex token checks", () => {
  it("accepts a valid token and maps its claims to the identity", async () => {
    const { verify, sign } = await setup();
    expect(await verify(await sign(inSeconds(60)))).toMatchObject({
      subject: "user-1",
      issuer: ISSUER,
      tokenIdentifier: `${ISSUER}|user-1`,
      sessionId: "s1",
      email: "ann@example.com",
      emailVerified: true,
    });
  });

  it("refuses an expired token as Unauthenticated", async () => {
    const { verify, sign } = await setup();
    expect(await refusal(verify(await sign(inSeconds(-5))))).toEqual({
      code: "Unauthenticated",
      message:
        "Could not verify OIDC token claim. Check that the token signature is valid and the token hasn't expired.",
    });
  });

  it("refuses a token for another audience: no provider matches", async () => {
    const { verify, sign } = await setup();
    expect((await refusal(verify(await sign(inSeconds(60), "other")))).code).toBe("NoAuthProvider");
  });
});
