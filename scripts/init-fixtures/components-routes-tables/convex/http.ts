import { httpRouter } from "convex/server";
import { internal } from "./_generated/api";
import { httpAction } from "./_generated/server";

const http = httpRouter();

// The app's own routes.
http.route({
  path: "/hello",
  method: "GET",
  handler: httpAction(async () => new Response("hello", { status: 200 })),
});

http.route({
  path: "/messages",
  method: "POST",
  handler: httpAction(async (ctx, request) => {
    const { author, body } = (await request.json()) as { author: string; body: string };
    await ctx.runMutation(internal.messages.send, { author, body });
    return new Response(null, { status: 204 });
  }),
});

export default http;
