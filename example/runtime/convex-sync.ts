/**
 * Convex's WebSocket sync protocol (`/api/<version>/sync`), as `ConvexReactClient` and `ConvexClient`
 * speak it (see `convex/src/browser/sync/protocol.ts`), served from the convex-test deployment:
 *
 * - The client holds a state version `{ querySet, identity, ts }`. `ModifyQuerySet` and
 *   `Authenticate` name the version they build on and move `querySet` or `identity` one step; the
 *   server answers with a `Transition` from the version the client holds (it checks) to the new one,
 *   carrying the results of the queries added and of any query whose result changed.
 * - `ts` is convex-test's commit timestamp. After every commit announced by the commit feed (a
 *   mutation or action from any client, an HTTP action), each connection re-runs all of its queries
 *   with its own identity and sends a `Transition` if a result changed.
 * - A `MutationResponse` carries the latest commit's `ts` (its own or later) and goes out before the
 *   `Transition` that reaches that `ts`: the client resolves the mutation only then, so its caller
 *   reads its own write.
 * - A token is checked as the HTTP API checks it; a refused one gets `AuthError`, then the socket is
 *   closed, as a deployment does. An identity whose token has expired is refused the same way the
 *   next time it would be used.
 *
 * Work is done one message at a time per connection; actions run alongside, as on a deployment.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { UserIdentity } from "convex/server";
import type { JSONValue } from "convex/values";
import { decodeJwt } from "jose";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { CommitFeed } from "./commits.js";
import type { Deployment, FunctionKind } from "./deployment.js";
import { callPublicFunction, logCallFailure, type CallOutcome } from "./function-calls.js";
import { describeError, logRuntimeFailure } from "./log.js";
import { AuthRefused, type TokenVerifier } from "./token-verifier.js";

/** Where the clients open the socket: `/api/<client version>/sync`. */
const SYNC_PATH = /^\/api\/[^/]+\/sync$/;
// The client reconnects after 60 s without a message; a deployment pings after 15 s of silence.
const HEARTBEAT_MS = 15_000;
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

type StateVersion = { querySet: number; identity: number; ts: bigint };

type QuerySetChange =
  | { type: "Add"; queryId: number; udfPath: string; args: JSONValue[]; componentPath?: string }
  | { type: "Remove"; queryId: number };

/** A `Mutation` or `Action` message: the call, and the id its response names. */
type FunctionRequest = { requestId: number; udfPath: string; args: JSONValue[]; componentPath?: string };

type ClientMessage =
  | { type: "Connect"; sessionId: string; clientTs?: number }
  | { type: "ModifyQuerySet"; baseVersion: number; newVersion: number; modifications: QuerySetChange[] }
  | ({ type: "Mutation" } & FunctionRequest)
  | ({ type: "Action" } & FunctionRequest)
  | { type: "Authenticate"; tokenType: "User" | "None" | "Admin"; baseVersion: number; value?: string }
  | { type: "Event" };

/** A message the protocol does not allow: the client is told with `FatalError`, as by a deployment. */
class ProtocolError extends Error {}

/** A token refused now, or an identity that has expired: answered with `AuthError`. */
class AuthFailure extends Error {
  constructor(
    message: string,
    readonly baseVersion: number,
    readonly authUpdateAttempted: boolean,
  ) {
    super(message);
  }
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isText = (value: unknown): value is string => typeof value === "string";

/** A text frame as a client message, checked enough that handling it cannot go wrong halfway. */
function parseClientMessage(text: string): ClientMessage {
  let message: Record<string, any>;
  try {
    message = JSON.parse(text);
  } catch {
    throw new ProtocolError("Could not parse the message as JSON.");
  }
  const wrong = (what: string) => new ProtocolError(`Invalid ${message?.type ?? "message"}: ${what}.`);
  if (message === null || typeof message !== "object") throw wrong("expected a JSON object");
  switch (message.type) {
    case "Connect":
      if (!isText(message.sessionId)) throw wrong("sessionId");
      return message as ClientMessage;
    case "ModifyQuerySet": {
      const { baseVersion, newVersion, modifications } = message;
      if (!isCount(baseVersion) || !isCount(newVersion) || newVersion <= baseVersion) throw wrong("versions");
      if (!Array.isArray(modifications)) throw wrong("modifications");
      for (const change of modifications) {
        const added = change?.type === "Add" && isText(change.udfPath) && Array.isArray(change.args);
        if (!isCount(change?.queryId) || !(added || change.type === "Remove")) throw wrong("modification");
      }
      return message as ClientMessage;
    }
    case "Mutation":
    case "Action":
      if (!isCount(message.requestId) || !isText(message.udfPath) || !Array.isArray(message.args)) {
        throw wrong("requestId, udfPath or args");
      }
      return message as ClientMessage;
    case "Authenticate":
      if (!isCount(message.baseVersion)) throw wrong("baseVersion");
      if (!["User", "None", "Admin"].includes(message.tokenType)) throw wrong("tokenType");
      if (message.tokenType !== "None" && !isText(message.value)) throw wrong("value");
      return message as ClientMessage;
    case "Event":
      return { type: "Event" };
    default:
      throw wrong("unknown type");
  }
}

/** A Convex timestamp on the wire: the u64 as 8 little-endian bytes, in base64. */
export function encodeTs(ts: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(ts);
  return bytes.toString("base64");
}

const encodeVersion = (version: StateVersion) => ({ ...version, ts: encodeTs(version.ts) });

type Subscription = { udfPath: string; args: JSONValue; lastResult?: string };

type Services = { deployment: Deployment; verifyToken: TokenVerifier; commits: CommitFeed };

/** One client's connection: its query set, its identity, and the state version it holds. */
class SyncConnection {
  /** What the client holds: the end version of the last Transition sent. */
  private sent: StateVersion = { querySet: 0, identity: 0, ts: 0n };
  /** The versions the client's messages have moved to; the next Transition ends there. */
  private readonly received = { querySet: 0, identity: 0 };
  private readonly queries = new Map<number, Subscription>();
  private removed: number[] = [];
  private identity: UserIdentity | undefined;
  private identityExpiresAt = Infinity;
  /** The latest commit a MutationResponse has named; a Transition must reach it. */
  private mutationTs = 0n;
  private clientClockSkew: number | undefined;

  private work: Promise<void> = Promise.resolve();
  private updateQueued = false;
  private closed = false;
  private readonly stopListening: () => void;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly socket: WebSocket,
    private readonly services: Services,
  ) {
    this.stopListening = services.commits.subscribe(() => this.scheduleUpdate());
    this.heartbeat = setInterval(() => this.send({ type: "Ping" }), HEARTBEAT_MS);
    socket.on("message", (data, isBinary) => this.receive(data, isBinary));
    socket.on("close", () => this.shutDown());
    socket.on("error", (error) => logRuntimeFailure("sync socket error", error));
  }

  private receive(data: RawData, isBinary: boolean) {
    let message: ClientMessage;
    try {
      if (isBinary) throw new ProtocolError("Expected a text message.");
      // A text frame arrives as one Buffer (ws's default binaryType, "nodebuffer").
      message = parseClientMessage((data as Buffer).toString());
    } catch (error) {
      return this.fail(error);
    }
    this.enqueue(() => this.handle(message));
  }

  /** Runs `task` after everything received before it; a failure ends this connection only. */
  private enqueue(task: () => Promise<void>) {
    this.work = this.work.then(async () => {
      if (this.closed) return;
      await task().catch((error: unknown) => this.fail(error));
    });
  }

  private async handle(message: ClientMessage) {
    switch (message.type) {
      case "Connect":
        // Convex's estimate of how far the client's clock is ahead; the client plans token refreshes with it.
        if (typeof message.clientTs === "number") this.clientClockSkew = message.clientTs - Date.now();
        return;
      case "ModifyQuerySet":
        return this.modifyQuerySet(message);
      case "Authenticate":
        return this.authenticate(message);
      case "Mutation":
        return this.mutate(message);
      case "Action":
        return this.startAction(message);
      case "Event":
        return;
    }
  }

  private modifyQuerySet(message: Extract<ClientMessage, { type: "ModifyQuerySet" }>) {
    if (message.baseVersion !== this.received.querySet) {
      throw new ProtocolError(
        `Base version ${message.baseVersion} passed up doesn't match the current version ${this.received.querySet}`,
      );
    }
    for (const change of message.modifications) {
      if (change.type === "Add") {
        if (this.queries.has(change.queryId)) throw new ProtocolError(`Duplicate query ID: ${change.queryId}`);
        assertRootComponent(change.componentPath);
        this.queries.set(change.queryId, { udfPath: change.udfPath, args: change.args[0] ?? {} });
      } else {
        if (!this.queries.delete(change.queryId)) throw new ProtocolError(`Nonexistent query id: ${change.queryId}`);
        this.removed.push(change.queryId);
      }
    }
    this.received.querySet = message.newVersion;
    this.scheduleUpdate();
  }

  private async authenticate(message: Extract<ClientMessage, { type: "Authenticate" }>) {
    if (message.baseVersion !== this.received.identity) {
      throw new ProtocolError(
        `Identity base version ${message.baseVersion} doesn't match the current version ${this.received.identity}`,
      );
    }
    // The error names the version the refused token built on, so the client knows it answers that token.
    const refuse = (reason: string) => new AuthFailure(reason, message.baseVersion, true);
    if (message.tokenType === "Admin") throw refuse("Admin keys are not supported here.");
    if (message.tokenType === "None") {
      this.identity = undefined;
      this.identityExpiresAt = Infinity;
    } else {
      const token = message.value!;
      try {
        this.identity = await this.services.verifyToken(token);
      } catch (error) {
        if (error instanceof AuthRefused) throw refuse(error.message);
        throw error;
      }
      this.identityExpiresAt = (decodeJwt(token).exp ?? Infinity) * 1000;
    }
    this.received.identity += 1;
    this.scheduleUpdate();
  }

  /** The identity to run the next function with; an expired one ends the connection, as on a deployment. */
  private liveIdentity(): UserIdentity | undefined {
    if (Date.now() >= this.identityExpiresAt) {
      throw new AuthFailure("Convex token identity expired", this.sent.identity, false);
    }
    return this.identity;
  }

  private async mutate(message: FunctionRequest) {
    assertRootComponent(message.componentPath);
    const call = { kind: "mutation" as const, path: message.udfPath, args: message.args[0] ?? {} };
    const outcome = await callPublicFunction(this.services.deployment, { ...call, identity: this.liveIdentity() });
    if (!outcome.success) {
      logCallFailure(call, outcome);
      return this.send({ type: "MutationResponse", requestId: message.requestId, ...failure(outcome) });
    }
    const ts = await this.services.commits.afterWrite();
    if (ts > this.mutationTs) this.mutationTs = ts;
    this.send({
      type: "MutationResponse",
      requestId: message.requestId,
      success: true,
      result: outcome.value,
      ts: encodeTs(ts),
      logLines: [],
    });
    // Queued after this response, so the client sees the response first, then the Transition reaching it.
    this.scheduleUpdate();
  }

  /** Actions run alongside the queue: a slow one does not hold up queries or mutations. */
  private startAction(message: FunctionRequest) {
    assertRootComponent(message.componentPath);
    const call = { kind: "action" as const, path: message.udfPath, args: message.args[0] ?? {} };
    const identity = this.liveIdentity();
    void (async () => {
      const outcome = await callPublicFunction(this.services.deployment, { ...call, identity });
      await this.services.commits.afterWrite();
      if (!outcome.success) logCallFailure(call, outcome);
      const result = outcome.success
        ? { success: true, result: outcome.value, logLines: [] }
        : failure(outcome);
      this.send({ type: "ActionResponse", requestId: message.requestId, ...result });
    })().catch((error: unknown) => this.fail(error));
  }

  /** Queues one re-run of the query set; more commits before it starts need no second one. */
  private scheduleUpdate() {
    if (this.updateQueued || this.closed) return;
    this.updateQueued = true;
    this.enqueue(async () => {
      this.updateQueued = false;
      await this.update();
    });
  }

  /** Re-runs every query and sends the Transition to the versions received, if anything moved. */
  private async update() {
    const identity = this.liveIdentity();
    // Read before the queries run, so that every result includes at least this commit.
    const latest = await this.services.commits.latest();
    const end: StateVersion = {
      querySet: this.received.querySet,
      identity: this.received.identity,
      ts: latest > this.sent.ts ? latest : this.sent.ts,
    };
    const modifications: object[] = this.removed.splice(0).map((queryId) => ({ type: "QueryRemoved", queryId }));
    for (const [queryId, query] of this.queries) {
      const call = { kind: "query" as FunctionKind, path: query.udfPath, args: query.args };
      const outcome = await callPublicFunction(this.services.deployment, { ...call, identity });
      const result = resultKey(outcome);
      if (result === query.lastResult) continue;
      query.lastResult = result;
      if (outcome.success) {
        modifications.push({ type: "QueryUpdated", queryId, value: outcome.value, logLines: [], journal: null });
      } else {
        logCallFailure(call, outcome);
        modifications.push({ type: "QueryFailed", queryId, ...errorOf(outcome), logLines: [], journal: null });
      }
    }
    const moved =
      end.querySet !== this.sent.querySet || end.identity !== this.sent.identity || this.mutationTs > this.sent.ts;
    if (modifications.length === 0 && !moved) return;
    this.send({
      type: "Transition",
      startVersion: encodeVersion(this.sent),
      endVersion: encodeVersion(end),
      modifications,
      clientClockSkew: this.clientClockSkew,
      serverTs: Date.now() * 1e6,
    });
    this.sent = end;
  }

  private send(message: object) {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify(message));
  }

  /** Ends the connection the way a deployment does for this kind of failure. */
  private fail(error: unknown) {
    if (this.closed) return;
    if (error instanceof AuthFailure) {
      const { message, baseVersion, authUpdateAttempted } = error;
      this.send({ type: "AuthError", error: message, baseVersion, authUpdateAttempted });
      this.socket.close();
    } else if (error instanceof ProtocolError) {
      logRuntimeFailure("sync: refused a client message", error.message);
      this.send({ type: "FatalError", error: error.message });
      this.socket.close();
    } else {
      // A fault of the runtime, not of the client: the client reconnects and starts over.
      logRuntimeFailure("sync: connection failed", error);
      this.socket.close(1011, "InternalServerError");
    }
    this.shutDown();
  }

  private shutDown() {
    this.closed = true;
    this.stopListening();
    clearInterval(this.heartbeat);
  }
}

// Only admin keys may call into a component directly; this runtime takes none.
function assertRootComponent(componentPath: string | undefined) {
  if (componentPath) {
    throw new ProtocolError("Only admin or system users can call functions on non-root components directly");
  }
}

const errorOf = (outcome: Extract<CallOutcome, { success: false }>) =>
  outcome.errorData === undefined
    ? { errorMessage: outcome.errorMessage }
    : { errorMessage: outcome.errorMessage, errorData: outcome.errorData };

const failure = (outcome: Extract<CallOutcome, { success: false }>) => {
  const { errorMessage, ...data } = errorOf(outcome);
  return { success: false, result: errorMessage, ...data, logLines: [] };
};

// What a result is compared by; a failure by its error, not its message, which has a fresh request id.
const resultKey = (outcome: CallOutcome) =>
  JSON.stringify(outcome.success ? ["value", outcome.value] : ["error", describeError(outcome.thrown), outcome.errorData]);

/**
 * Convex's sync protocol on the runtime's HTTP server: pass `upgrade` to the server's `upgrade`
 * event. Requests for `/api/<version>/sync` become connections; any other upgrade gets a 404.
 */
export function convexSyncServer(services: Services) {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  return {
    upgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
      const { pathname } = new URL(request.url ?? "/", "http://runtime");
      if (!SYNC_PATH.test(pathname)) {
        socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return;
      }
      sockets.handleUpgrade(request, socket, head, (ws) => new SyncConnection(ws, services));
    },
  };
}
