/**
 * Requests to the runtime from a loopback address of the test's choosing (all of 127.0.0.0/8
 * reaches this machine), so that tests count as separate clients where the runtime keys limits by
 * the client's IP, as a deployment does.
 */
import { request } from "node:http";

let clientsSoFar = 0;

/** A loopback address no other request of this test run has used: 127.1.x.y. */
export function freshLoopbackAddress(): string {
  clientsSoFar += 1;
  return `127.1.${(clientsSoFar >> 8) & 255}.${clientsSoFar & 255}`;
}

/** `fetch`, sent from `localAddress`: the same answer, with the status, headers and body Node reads. */
export function fetchFrom(localAddress: string) {
  return (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<Response>((resolve, reject) => {
      const outgoing = request(url, { method: init.method ?? "GET", headers: init.headers, localAddress }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            for (const item of [value ?? []].flat()) headers.append(name, item);
          }
          const status = incoming.statusCode ?? 500;
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers }));
        });
        incoming.on("error", reject);
      });
      outgoing.on("error", reject);
      outgoing.end(init.body);
    });
}
