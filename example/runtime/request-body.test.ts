import { Agent, request } from "node:http";
import type { Socket } from "node:net";
import { describe, expect, inject, it } from "vitest";
import { uniqueEmail } from "../test/auth-over-http";

const base = inject("runtimeUrl");
const SEND = "/api/auth/email-otp/send-verification-otp";
const MB = 1024 * 1024;

type Sent = { answer: { status: number; body: unknown }; connection: Socket };

/** `{"email":"aaa…"}` of `bytes` bytes in all. */
const paddedBody = (bytes: number) => Buffer.from(`{"email":"${"a".repeat(bytes - 12)}"}`);

/**
 * POSTs `body` to the code route over `agent`, its length declared or chunked; reads the answer,
 * and which connection carried it.
 */
function post(agent: Agent, body: Buffer, { declared = true } = {}) {
  return new Promise<Sent>((resolve, reject) => {
    const headers = {
      "content-type": "application/json",
      origin: base,
      ...(declared ? { "content-length": `${body.length}` } : {}),
    };
    const outgoing = request(`${base}${SEND}`, { method: "POST", agent, headers }, (incoming) => {
      const connection = incoming.socket; // read now: a kept-alive socket is detached at the end
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        const json = incoming.headers["content-type"]?.startsWith("application/json");
        resolve({ answer: { status: incoming.statusCode ?? 0, body: json ? JSON.parse(text) : text }, connection });
      });
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

describe("request bodies in the local runtime", () => {
  it("answers a 17 MB body to an auth route, declared or chunked, as it answers a 20 kB one (413 BODY_TOO_LARGE in JSON), and the same connection serves the next request", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const small = await post(agent, paddedBody(20 * 1024));
      expect(small.answer).toMatchObject({ status: 413, body: { code: "BODY_TOO_LARGE" } });
      const declared = await post(agent, paddedBody(17 * MB));
      const chunked = await post(agent, paddedBody(17 * MB), { declared: false });
      for (const large of [declared, chunked]) expect(large.answer).toEqual(small.answer);

      const next = await post(
        agent,
        Buffer.from(JSON.stringify({ email: uniqueEmail("after-large"), type: "sign-in" })),
      );
      expect(next.answer).toEqual({ status: 200, body: { success: true } });
      for (const later of [declared, chunked, next]) expect(later.connection).toBe(small.connection);
    } finally {
      agent.destroy();
    }
  });
});
