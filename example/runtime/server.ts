import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { logRuntimeFailure } from "./log.js";

/** Who sent a request: the address of the socket it came on, as a deployment sees the client. */
export type RequestClient = { ip: string | null };

/** A handler that answers a request, or `undefined` to let the next one try. */
export type Route = (
  request: Request,
  client: RequestClient,
) => Promise<Response | undefined> | Response | undefined;

const MAX_BODY_BYTES = 16 * 1024 * 1024;

async function toRequest(message: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    if (value === undefined) continue;
    for (const item of [value].flat()) headers.append(name, item);
  }
  const method = message.method ?? "GET";
  let body: Uint8Array<ArrayBuffer> | undefined;
  if (method !== "GET" && method !== "HEAD") {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of message) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) throw new Error("request body too large");
      chunks.push(chunk);
    }
    body = new Uint8Array(Buffer.concat(chunks));
  }
  return new Request(new URL(message.url ?? "/", origin), { method, headers, body });
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
 * server: the request gets a 500 and the error is logged.
 */
export function createRuntimeServer(origin: string, routes: Route[]) {
  // Node drops what a listener returns: `answer` settles every request itself and never rejects.
  return createServer((message, out) => void answer(message, out));

  async function answer(message: IncomingMessage, out: ServerResponse) {
    try {
      const request = await toRequest(message, origin);
      const client = { ip: message.socket.remoteAddress ?? null };
      for (const route of routes) {
        const response = await route(request, client);
        if (response) return await send(response, out);
      }
      await send(new Response("Not Found", { status: 404 }), out);
    } catch (error) {
      logRuntimeFailure(`${message.method} ${message.url} failed`, error);
      if (!out.headersSent) out.writeHead(500, { "content-type": "text/plain" });
      out.end("Internal Server Error");
    }
  }
}
