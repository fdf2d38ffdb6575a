// Convex trusts the JWTs that Convex Auth signs with JWT_PRIVATE_KEY (issuer: CONVEX_SITE_URL).
export default {
  providers: [{ domain: process.env.CONVEX_SITE_URL, applicationID: "convex" }],
};
