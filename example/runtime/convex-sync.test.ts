import { version } from "convex";
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { makeFunctionReference, type FunctionReference, type FunctionReturnType } from "convex/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { api } from "../../convex/_generated/api";
import { postAuth, signInOverHttp, uniqueEmail } from "../test/auth-over-http";
import { strangerToken } from "../test/stranger-token";
import { expectTooLongDisplayNameRefused, TOO_LONG_DISPLAY_NAME } from "../test/profile-update-refusal";
import { encodeTs } from "./convex-sync";

const base = inject("runtimeUrl");
const syncUrl = `${base.replace(/^http/, "ws")}/api/${version}/sync`;
const WAIT_MS = 5_000;
const REFUSED = "Could not verify OIDC token claim. Check that the token signature is valid and the token hasn't expired.";

const clients: ConvexClient[] = [];
afterAll(() => Promise.all(clients.map((client) => client.close())));

/** The real `ConvexClient` from `convex/browser`, on `ws` (Node 20 has no WebSocket). */
function connect(): ConvexClient {
  const client = new ConvexClient(base, {
    webSocketConstructor: WebSocket as unknown as typeof globalThis.WebSocket,
    logger: false,
  });
  clients.push(client);
  return client;
}

/** Connects with `token` and resolves with what the client's auth callback is told first. */
function connectAs(token: string): { client: ConvexClient; authenticated: Promise<boolean> } {
  const client = connect();
  const authenticated = new Promise<boolean>((resolve) => client.setAuth(async () => token, resolve));
  return { client, authenticated };
}

/** Every value a subscription receives, and a way to wait for the one you expect. */
function watch<Query extends FunctionReference<"query">>(
  client: ConvexClient,
  query: Query,
  args: Query["_args"],
) {
  type Result = FunctionReturnType<Query>;
  const values: Result[] = [];
  const waiters = new Set<() => void>();
  const subscription = client.onUpdate(query, args, (value: Result) => {
    values.push(value);
    for (const wake of waiters) wake();
  });
  return {
    values,
    unsubscribe: () => subscription.unsubscribe(),
    /** The first value (already received or still to come) that passes `test`. */
    until(test: (value: Result) => boolean): Promise<Result> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = values.find(test);
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching value within ${WAIT_MS} ms; got ${JSON.stringify(values)}`));
        }, WAIT_MS);
        waiters.add(check);
        check();
      });
    },
  };
}

type ServerMessage = { type: string; [key: string]: any };

/** A bare socket speaking the protocol by hand, for what the client libraries hide. */
async function rawSocket() {
  const socket = new WebSocket(syncUrl);
  const inbox: ServerMessage[] = [];
  const waiters = new Set<() => void>();
  socket.on("message", (data) => {
    const message = JSON.parse((data as Buffer).toString()) as ServerMessage;
    if (message.type === "Ping") return;
    inbox.push(message);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(JSON.stringify({ type: "Connect", sessionId: crypto.randomUUID(), connectionCount: 0, lastCloseReason: null, clientTs: Date.now() }));
  return {
    send: (message: object | string) => socket.send(typeof message === "string" ? message : JSON.stringify(message)),
    closed,
    /** The next message not read yet, in order. */
    next(): Promise<ServerMessage> {
      return new Promise((resolve, reject) => {
        const take = () => {
          if (!inbox.length) return;
          waiters.delete(take);
          clearTimeout(timer);
          resolve(inbox.shift()!);
        };
        const timer = setTimeout(() => reject(new Error(`no message within ${WAIT_MS} ms`)), WAIT_MS);
        waiters.add(take);
        take();
      });
    },
    close: () => socket.close(),
  };
}

const profileOf = async (token: string) => {
  const convex = new ConvexHttpClient(base, { logger: false });
  convex.setAuth(token);
  return (await convex.query(api.profiles.me, {}))!;
};

describe("Convex's sync protocol on the local runtime", () => {
  let ann: { token: string; cookie: string };

  beforeAll(async () => {
    ann = await signInOverHttp(base, uniqueEmail("ann"), { username: `ann_${Date.now() % 1e6}`, name: "Ann" });
  });

  it("answers profiles.me with null to a signed-out subscriber", async () => {
    const me = watch(connect(), api.profiles.me, {});
    expect(await me.until(() => true)).toBeNull();
  });

  it("runs subscriptions as the user of a Better Auth token, and tells the client it is signed in", async () => {
    const { client, authenticated } = connectAs(ann.token);
    const me = watch(client, api.profiles.me, {});
    expect(await authenticated).toBe(true);
    expect(await me.until(Boolean)).toMatchObject({ displayName: "Ann", role: "member" });
    expect(me.values).not.toContain(null);
  });

  it("pushes the new result to a subscriber when another client changes the profile", async () => {
    const subscriber = watch(connectAs(ann.token).client, api.profiles.me, {});
    const profile = await subscriber.until(Boolean);
    const writer = connectAs(ann.token).client;
    await writer.mutation(api.profiles.update, { profileId: profile!._id, bio: "Pushed over the socket" });
    expect((await subscriber.until((value) => value?.bio === "Pushed over the socket"))?.displayName).toBe("Ann");
  });

  it("pushes a change made through the HTTP API as well", async () => {
    const subscriber = watch(connectAs(ann.token).client, api.profiles.me, {});
    const profile = await subscriber.until(Boolean);
    const http = new ConvexHttpClient(base, { logger: false });
    http.setAuth(ann.token);
    await http.mutation(api.profiles.update, { profileId: profile!._id, bio: "Pushed from HTTP" });
    await subscriber.until((value) => value?.bio === "Pushed from HTTP");
  });

  it("resolves a mutation only once the caller's subscriptions include its write", async () => {
    const { client } = connectAs(ann.token);
    const me = watch(client, api.profiles.me, {});
    const profile = await me.until(Boolean);
    await client.mutation(api.profiles.update, { profileId: profile!._id, bio: "Read my own write" });
    expect(client.client.localQueryResult("profiles:me", {})).toMatchObject({ bio: "Read my own write" });
  });

  it("pushes null to a subscriber once its session is signed out, though its token has not expired", async () => {
    const cleo = await signInOverHttp(base, uniqueEmail("cleo"), { username: `cleo_${Date.now() % 1e6}` });
    const me = watch(connectAs(cleo.token).client, api.profiles.me, {});
    await me.until(Boolean);
    const signedOut = await postAuth(base, "/sign-out", {}, cleo.cookie);
    expect(signedOut.ok).toBe(true);
    expect(await me.until((value) => value === null)).toBeNull();
  });

  it("hands a ConvexError from a mutation to the client with its data", async () => {
    const { client } = connectAs(ann.token);
    const profile = await profileOf(ann.token);
    const failure = await client
      .mutation(api.profiles.update, { profileId: profile._id, displayName: TOO_LONG_DISPLAY_NAME })
      .catch((error: unknown) => error);
    expectTooLongDisplayNameRefused(failure);
  });

  it("keeps internal functions out of reach, as a deployment does", async () => {
    const client = connect();
    const welcome = makeFunctionReference<"action">("welcome:send");
    await expect(client.action(welcome, { email: "a@b.c", username: "x" })).rejects.toThrow(
      "Could not find public function for 'welcome:send'",
    );
    const createUser = makeFunctionReference<"mutation">("users:create");
    const email = uniqueEmail("intruder");
    await expect(client.mutation(createUser, { email, username: `in_${Date.now() % 1e6}` })).rejects.toThrow(
      "Could not find public function for 'users:create'",
    );
  });

  it("stops pushing a query once it is unsubscribed", async () => {
    const profile = await profileOf(ann.token);
    const socket = await rawSocket();
    socket.send({ type: "Authenticate", tokenType: "User", baseVersion: 0, value: ann.token });
    expect((await socket.next()).endVersion.identity).toBe(1);
    const me = { type: "Add", queryId: 0, udfPath: "profiles:me", args: [{}] };
    const byId = { type: "Add", queryId: 1, udfPath: "profiles:get", args: [{ profileId: profile._id }] };
    socket.send({ type: "ModifyQuerySet", baseVersion: 0, newVersion: 1, modifications: [me, byId] });
    expect((await socket.next()).modifications).toHaveLength(2);
    socket.send({ type: "ModifyQuerySet", baseVersion: 1, newVersion: 2, modifications: [{ type: "Remove", queryId: 0 }] });
    expect((await socket.next()).modifications).toEqual([{ type: "QueryRemoved", queryId: 0 }]);

    const http = new ConvexHttpClient(base, { logger: false });
    http.setAuth(ann.token);
    await http.mutation(api.profiles.update, { profileId: profile._id, bio: "After unsubscribing" });
    // Both queries read the changed profile: the one still subscribed shows the other would have been pushed.
    const pushed = await socket.next();
    expect(pushed.modifications).toMatchObject([{ type: "QueryUpdated", queryId: 1, value: { bio: "After unsubscribing" } }]);
    socket.close();
  });

  it("refuses a token whose signature does not match, and the client goes on signed out", async () => {
    const [header, payload] = ann.token.split(".");
    const forged = `${header}.${payload}.${Buffer.from("not the signature").toString("base64url")}`;
    const { client, authenticated } = connectAs(forged);
    const me = watch(client, api.profiles.me, {});
    expect(await authenticated).toBe(false);
    expect(await me.until(() => true)).toBeNull();
  });

  it("answers a refused token with AuthError, then closes, as a deployment does", async () => {
    const [header, payload] = ann.token.split(".");
    const socket = await rawSocket();
    socket.send({ type: "Authenticate", tokenType: "User", baseVersion: 0, value: `${header}.${payload}.AAAA` });
    expect(await socket.next()).toEqual({ type: "AuthError", error: REFUSED, baseVersion: 0, authUpdateAttempted: true });
    expect(await socket.closed).toBe(1005);
  });

  it("names NoAuthProvider's reason for a token from an issuer auth.config.ts does not know", async () => {
    const stranger = await strangerToken();
    const socket = await rawSocket();
    socket.send({ type: "Authenticate", tokenType: "User", baseVersion: 0, value: stranger });
    const refusal = await socket.next();
    expect(refusal).toMatchObject({ type: "AuthError", baseVersion: 0, authUpdateAttempted: true });
    expect(refusal.error).toMatch(/^No auth provider found matching the given token/);
  });

  it("moves the state version one step per message, from the version the client holds", async () => {
    const socket = await rawSocket();
    socket.send({ type: "ModifyQuerySet", baseVersion: 0, newVersion: 1, modifications: [{ type: "Add", queryId: 0, udfPath: "profiles:me", args: [{}] }] });
    const added = await socket.next();
    expect(added).toMatchObject({
      type: "Transition",
      startVersion: { querySet: 0, identity: 0, ts: encodeTs(0n) },
      endVersion: { querySet: 1, identity: 0 },
      modifications: [{ type: "QueryUpdated", queryId: 0, value: null, logLines: [], journal: null }],
    });

    socket.send({ type: "Authenticate", tokenType: "User", baseVersion: 0, value: ann.token });
    const signedIn = await socket.next();
    expect(signedIn.startVersion).toEqual(added.endVersion);
    expect(signedIn.endVersion).toMatchObject({ querySet: 1, identity: 1 });
    expect(signedIn.modifications).toMatchObject([{ type: "QueryUpdated", queryId: 0, value: { displayName: "Ann" } }]);

    socket.send({ type: "ModifyQuerySet", baseVersion: 1, newVersion: 2, modifications: [{ type: "Remove", queryId: 0 }] });
    const removed = await socket.next();
    expect(removed.startVersion).toEqual(signedIn.endVersion);
    expect(removed).toMatchObject({ endVersion: { querySet: 2, identity: 1 }, modifications: [{ type: "QueryRemoved", queryId: 0 }] });

    // A client that has lost count is told so, and only its own connection ends.
    socket.send({ type: "ModifyQuerySet", baseVersion: 1, newVersion: 2, modifications: [] });
    expect(await socket.next()).toEqual({
      type: "FatalError",
      error: "Base version 1 passed up doesn't match the current version 2",
    });
    await socket.closed;
  });

  it("ends only the connection that sent a broken message; the others keep being served", async () => {
    const { client } = connectAs(ann.token);
    const me = watch(client, api.profiles.me, {});
    const profile = await me.until(Boolean);

    const broken = await rawSocket();
    broken.send("{not json");
    expect(await broken.next()).toEqual({ type: "FatalError", error: "Could not parse the message as JSON." });
    await broken.closed;

    await connectAs(ann.token).client.mutation(api.profiles.update, { profileId: profile!._id, bio: "Still served" });
    await me.until((value) => value?.bio === "Still served");
    expect(await watch(connect(), api.profiles.me, {}).until(() => true)).toBeNull();
  });
});
