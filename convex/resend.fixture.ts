/**
 * A stand-in for the Resend API on 127.0.0.1, for the tests that run the real `resend` SDK
 * (convex/resend.test.ts, and the local runtime's in example/). Node only: a node:http server.
 * (Two dots in the name: Convex never deploys this file.)
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A mail as the fake Resend API received it. */
export type ReceivedMail = {
  headers: IncomingHttpHeaders;
  body: { from: string; to: string | string[]; subject: string; text: string; html: string; reply_to?: string };
};

/**
 * A stand-in for the Resend API on 127.0.0.1: records every `POST /emails` and answers as Resend
 * does, unless told to fail (with a status) or to stall (for longer than the sender waits).
 */
export async function fakeResend() {
  const received: ReceivedMail[] = [];
  const planned: Array<{ status: number } | { stallMs: number }> = [];
  // Node drops what a listener returns: a failure in `respond` surfaces as an unhandled rejection.
  const server = createServer((request, response) => void respond(request, response));
  async function respond(request: IncomingMessage, response: ServerResponse) {
    let raw = "";
    for await (const chunk of request) raw += chunk;
    received.push({ headers: request.headers, body: JSON.parse(raw) });
    const plan = planned.shift();
    if (plan && "stallMs" in plan) await new Promise((resolve) => setTimeout(resolve, plan.stallMs));
    const status = plan && "status" in plan ? plan.status : 200;
    const answer =
      status === 200
        ? { id: crypto.randomUUID() }
        : { statusCode: status, name: status >= 500 ? "internal_server_error" : "validation_error", message: "Planned failure" };
    response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(answer));
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    /** The next requests fail with `status`, one per entry. */
    fail: (...statuses: number[]) => planned.push(...statuses.map((status) => ({ status }))),
    /** The next `times` requests get no answer for `ms`. */
    stall: (times: number, ms: number) => planned.push(...Array.from({ length: times }, () => ({ stallMs: ms }))),
    reset() {
      received.length = 0;
      planned.length = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The code in a mail's plain-text body. */
export const codeIn = (mail: ReceivedMail) => /\b(\d{6})\b/.exec(mail.body.text)?.[1];

// Short, so that the stalled-API test gives up fast. Tests that expect a mail to leave wait longer:
// a first fetch on a loaded machine can take more than 100 ms, and must not fail them.
