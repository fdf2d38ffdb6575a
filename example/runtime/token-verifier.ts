import type { AuthConfig, UserIdentity } from "convex/server";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from "jose";

/** A refused `Authorization` header: the status and JSON body a Convex deployment answers with. */
export class AuthRefused extends Error {
  constructor(
    readonly code: "InvalidAuthHeader" | "NoAuthProvider" | "Unauthenticated",
    message: string,
  ) {
    super(message);
  }
  readonly status = 401;
  toJSON() {
    return { code: this.code, message: this.message };
  }
}

type CustomJwtProvider = {
  type: "customJwt";
  issuer: string;
  applicationID?: string;
  algorithm: "RS256" | "ES256";
  jwks: string;
};

const isCustomJwt = (provider: AuthConfig["providers"][number]): provider is CustomJwtProvider =>
  "type" in provider && provider.type === "customJwt";

// Standard OIDC claims become these identity fields; every other claim is kept as is.
const IDENTITY_FIELD_BY_CLAIM: Record<string, string> = {
  name: "name",
  given_name: "givenName",
  family_name: "familyName",
  nickname: "nickname",
  preferred_username: "preferredUsername",
  profile: "profileUrl",
  picture: "pictureUrl",
  email: "email",
  email_verified: "emailVerified",
  gender: "gender",
  birthdate: "birthday",
  zoneinfo: "timezone",
  locale: "language",
  phone_number: "phoneNumber",
  phone_number_verified: "phoneNumberVerified",
  address: "address",
  updated_at: "updatedAt",
};
const PROTOCOL_CLAIMS = new Set(["iss", "sub", "aud", "exp", "iat", "nbf", "jti"]);

/** The identity a function sees for verified claims: `subject`, `issuer`, `tokenIdentifier`, the rest. */
export function identityOf(claims: JWTPayload): UserIdentity {
  const identity: Record<string, unknown> = {};
  for (const [claim, value] of Object.entries(claims)) {
    if (PROTOCOL_CLAIMS.has(claim)) continue;
    identity[IDENTITY_FIELD_BY_CLAIM[claim] ?? claim] = value;
  }
  return {
    ...identity,
    subject: claims.sub!,
    issuer: claims.iss!,
    tokenIdentifier: `${claims.iss}|${claims.sub}`,
  };
}

function keySetOf(jwks: string): JWTVerifyGetKey {
  if (jwks.startsWith("data:")) {
    const base64 = jwks.slice(jwks.indexOf(",") + 1);
    return createLocalJWKSet(JSON.parse(Buffer.from(base64, "base64").toString("utf8")));
  }
  return createRemoteJWKSet(new URL(jwks));
}

const describeProvider = (p: CustomJwtProvider) =>
  `CustomJWT(issuer=${p.issuer}, app_id=${p.applicationID ?? "none"})`;

/**
 * Checks `Authorization: Bearer <JWT>` as a Convex deployment does with the providers of
 * `auth.config.ts` (`customJwt`): a provider must match the token's issuer and audience, then the
 * signature (against the provider's JWKS), algorithm, issuer, audience and expiry are verified.
 */
export function createTokenVerifier(authConfig: AuthConfig) {
  const providers = authConfig.providers.filter(isCustomJwt).map((provider) => ({
    provider,
    keys: keySetOf(provider.jwks),
  }));

  return async function verify(token: string): Promise<UserIdentity> {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw new AuthRefused(
        "InvalidAuthHeader",
        "Could not parse JWT payload. Check that the token is a valid JWT format with three base64-encoded parts separated by dots.",
      );
    }
    const audiences = [claims.aud ?? []].flat();
    const match = providers.find(
      ({ provider }) =>
        provider.issuer === claims.iss &&
        (provider.applicationID === undefined || audiences.includes(provider.applicationID)),
    );
    if (!match) {
      throw new AuthRefused(
        "NoAuthProvider",
        "No auth provider found matching the given token. Check that your JWT's issuer and audience " +
          `match one of your configured providers: [${providers.map((p) => describeProvider(p.provider)).join(", ")}]`,
      );
    }
    const { provider, keys } = match;
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: provider.issuer,
        audience: provider.applicationID,
        algorithms: [provider.algorithm],
        requiredClaims: ["sub", "exp"],
      });
      return identityOf(payload);
    } catch {
      throw new AuthRefused(
        "Unauthenticated",
        "Could not verify OIDC token claim. Check that the token signature is valid and the token hasn't expired.",
      );
    }
  };
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;
