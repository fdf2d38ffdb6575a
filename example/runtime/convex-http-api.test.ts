import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { api } from "../../convex/_generated/api";
import { isOnboardingError } from "convex-otp-onboarding/convex";
import { strangerToken } from "../test/stranger-token";
import { expectTooLongDisplayNameRefused, TOO_LONG_DISPLAY_NAME } from "../test/profile-update-refusal";
import { signInOverHttp, uniqueEmail } from "../test/auth-over-http";

const base = inject("runtimeUrl");
const client = (token?: string) => {
  const convex = new ConvexHttpClient(base, { logger: false });
  if (token) convex.setAuth(token);
  return convex;
};

const REFUSED = "Could not verify OIDC token claim";

describe("the Convex HTTP API of the local runtime", () => {
  let ann: { token: string; email: string };

  beforeAll(async () => {
    const email = uniqueEmail("ann");
    const { token } = await signInOverHttp(base, email, { username: `ann_${Date.now() % 1e6}`, name: "Ann" });
    ann = { token, email };
  });

  it("answers profiles.me with null when signed out", async () => {
    expect(await client().query(api.profiles.me, {})).toBeNull();
  });

  it("runs a query as the user of a Convex token from Better Auth", async () => {
    const profile = await client(ann.token).query(api.profiles.me, {});
    expect(profile).toMatchObject({ displayName: "Ann", role: "member", bio: "" });
    expect(profile?.username).toMatch(/^ann_/);
  });

  it("refuses a token whose claims were changed after signing", async () => {
    const [header, payload, signature] = ann.token.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: "someone-else" })).toString("base64url");
    await expect(client(`${header}.${forged}.${signature}`).query(api.profiles.me, {})).rejects.toThrow(REFUSED);
  });

  it("refuses a token signed by another key, even with the right issuer, audience and key id", async () => {
    const { kid } = decodeProtectedHeader(ann.token);
    const { privateKey } = await generateKeyPair("RS256");
    const claims = JSON.parse(Buffer.from(ann.token.split(".")[1]!, "base64url").toString());
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid }).sign(privateKey);
    await expect(client(forged).query(api.profiles.me, {})).rejects.toThrow(REFUSED);
  });

  it("refuses a token from an issuer that auth.config.ts does not know", async () => {
    const stranger = await strangerToken();
    await expect(client(stranger).query(api.profiles.me, {})).rejects.toThrow(/NoAuthProvider/);
  });

  it("refuses a header that is no JWT, with Convex's 401 answer", async () => {
    const response = await fetch(`${base}/api/query`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer not-a-jwt" },
      body: JSON.stringify({ path: "profiles:me", format: "convex_encoded_json", args: [{}] }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "InvalidAuthHeader" });
  });

  it("hands a ConvexError to the client with its data", async () => {
    const convex = client(ann.token);
    const profile = (await convex.query(api.profiles.me, {}))!;
    const failure = await convex
      .mutation(api.profiles.update, { profileId: profile._id, displayName: TOO_LONG_DISPLAY_NAME })
      .catch((error: unknown) => error);
    expectTooLongDisplayNameRefused(failure);
  });

  it("answers FORBIDDEN when someone else changes a profile, and changes nothing", async () => {
    const owner = (await client(ann.token).query(api.profiles.me, {}))!;
    const bob = await signInOverHttp(base, uniqueEmail("bob"), { username: `bob_${Date.now() % 1e6}` });
    const failure = await client(bob.token)
      .mutation(api.profiles.update, { profileId: owner._id, bio: "hacked" })
      .catch((error: unknown) => error);
    expect(isOnboardingError(failure) && failure.data.code).toBe("FORBIDDEN");
    expect((await client(ann.token).query(api.profiles.me, {}))?.bio).toBe(owner.bio);
  });

  it("saves a change through profiles.update", async () => {
    const convex = client(ann.token);
    const profile = (await convex.query(api.profiles.me, {}))!;
    await convex.mutation(api.profiles.update, { profileId: profile._id, bio: "Hello" });
    expect((await convex.query(api.profiles.me, {}))?.bio).toBe("Hello");
  });

  it("keeps internal functions out of reach, as a deployment does", async () => {
    const welcome = makeFunctionReference<"action">("welcome:send");
    await expect(client().action(welcome, { email: "a@b.c", username: "x" })).rejects.toThrow(
      "Could not find public function for 'welcome:send'",
    );
  });

  it("keeps the Better Auth component's functions out of reach, answered as an unknown function, nothing written", async () => {
    const call = async (kind: string, path: string, args: unknown) => {
      const response = await fetch(`${base}/api/${kind}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ path, format: "convex_encoded_json", args: [args] }),
      });
      return { status: response.status, body: await response.json() };
    };
    const unknown = await call("query", "nowhere:findMany", {});
    const answeredAsUnknown = (path: string) => ({
      status: unknown.status,
      body: { ...unknown.body, errorMessage: unknown.body.errorMessage.replace("nowhere:findMany", path) },
    });
    const email = uniqueEmail("planted");
    const data = { name: "x", email, emailVerified: true, createdAt: 0, updatedAt: 0 };
    const calls = [
      ["query", "betterAuth/adapter:findMany", { model: "user", paginationOpts: { numItems: 10, cursor: null } }],
      ["mutation", "betterAuth/adapter:create", { input: { model: "user", data } }],
      ["query", "betterAuth/adapter.js:findOne", { model: "user", where: [] }],
    ] as const;
    for (const [kind, path, args] of calls) expect(await call(kind, path, args)).toEqual(answeredAsUnknown(path));
    // The user the create call carried was never written: the address is still new, so signing in
    // signs up and onboards (a planted user would have no profile).
    const { token } = await signInOverHttp(base, email, { username: `planted_${Date.now() % 1e6}` });
    expect((await client(token).query(api.profiles.me, {}))?.username).toMatch(/^planted_/);
  });

  it("says so when a function is called as the wrong kind", async () => {
    const asMutation = makeFunctionReference<"mutation">("profiles:me");
    await expect(client().mutation(asMutation, {})).rejects.toThrow(
      "Trying to execute profiles:me as Mutation, but it is defined as Query.",
    );
  });

  it("keeps serving after a request it cannot read", async () => {
    const broken = await fetch(`${base}/api/query`, { method: "POST", body: "{not json" });
    expect(broken.status).toBe(400);
    expect(await client().query(api.profiles.me, {})).toBeNull();
  });
});
