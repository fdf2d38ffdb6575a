import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { logRuntimeFailure } from "./log.js";

/** Who sent a request: the address of the socket it came on, as a deployment sees the client. */
export type RequestClient = { ip: string | null };

/** A handler that answers a request, or `undefined` to let the next one try. */
export type Route = (
  request: Request,
  client: RequestClient,
) => Promise<Response | undefined> | Response | undefined;

// What a deployment takes in an HTTP action's request body (Convex's 20 MB limit): past it the
// body stream fails, so that no handler can make the runtime hold more.
const DEPLOYMENT_MAX_BODY_BYTES = 20 * 1024 * 1024;

/** A request body larger than a deployment takes. */
export class BodyTooLarge extends Error {}

/**
 * The body as a stream the handler reads as far as it wants: a route that refuses a large body
 * by its declared length reads none of it. `discardRest` drops what is left unread once the
 * answer is sent, so that the connection carries the client's next request.
 */
function streamedBody(message: IncomingMessage) {
  let open = true;
  let size = 0;
  const discardRest = () => {
    open = false;
    message.resume();
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        message.pause(); // before the listener, which would otherwise set the message flowing
        message.on("data", (chunk: Buffer) => {
          if (!open) return;
          size += chunk.length;
          if (size > DEPLOYMENT_MAX_BODY_BYTES) {
            open = false;
            return controller.error(new BodyTooLarge(`The body may have at most ${DEPLOYMENT_MAX_BODY_BYTES} bytes`));
          }
          controller.enqueue(new Uint8Array(chunk));
          if ((controller.desiredSize ?? 0) <= 0) message.pause();
        });
        message.once("end", () => open && controller.close());
        message.once("error", (error) => open && controller.error(error));
      },
      pull: () => void message.resume(),
      cancel: discardRest,
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
  return { stream, discardRest };
}

function toRequest(message: IncomingMessage, origin: string) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    if (value === undefined) continue;
    for (const item of [value].flat()) headers.append(name, item);
  }
  const method = message.method ?? "GET";
  const url = new URL(message.url ?? "/", origin);
  if (method === "GET" || method === "HEAD") return { request: new Request(url, { method, headers }), discardRest() {} };
  const { stream, discardRest } = streamedBody(message);
  // Node's types omit `duplex`, which a streamed request body requires.
  const init = { method, headers, body: stream, duplex: "half" } as RequestInit;
  return { request: new Request(url, init), discardRest };
}

async function send(response: Response, out: ServerResponse) {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  out.writeHead(response.status, headers);
  out.end(Buffer.from(await response.arrayBuffer()));
}

/**
 * One node:http server for the whole runtime: each request goes through `routes` in order, the
 * first answer wins, and nothing a request does (a throwing handler, a bad body) can stop the
 * server: the request gets a 500 and the error is logged. A body over what a deployment takes
 * gets 413 in JSON; what a handler leaves unread is discarded, and the connection lives on.
 */
export function createRuntimeServer(origin: string, routes: Route[]) {
  // Node drops what a listener returns: `answer` settles every request itself and never rejects.
  return createServer((message, out) => void answer(message, out));

  async function answer(message: IncomingMessage, out: ServerResponse) {
    const { request, discardRest } = toRequest(message, origin);
    try {
      const client = { ip: message.socket.remoteAddress ?? null };
      for (const route of routes) {
        const response = await route(request, client);
        if (response) return await send(response, out);
      }
      await send(new Response("Not Found", { status: 404 }), out);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        return await send(Response.json({ code: "BodyTooLarge", message: error.message }, { status: 413 }), out);
      }
      logRuntimeFailure(`${message.method} ${message.url} failed`, error);
      if (!out.headersSent) out.writeHead(500, { "content-type": "text/plain" });
      out.end("Internal Server Error");
    } finally {
      discardRest();
    }
  }
}
