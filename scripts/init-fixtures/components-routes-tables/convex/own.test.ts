/// <reference types="vite/client" />
import shardedCounter from "@convex-dev/sharded-counter/test";
import { convexTest } from "convex-test";
import { expect, it } from "vitest";
import { api } from "./_generated/api";
import schema from "./schema";

it("keeps its own routes, component and tables", async () => {
  const t = convexTest(schema, import.meta.glob("./**/*.*s"));
  shardedCounter.register(t, "shardedCounter");
  expect(await (await t.fetch("/hello")).text()).toBe("hello");
  const posted = await t.fetch("/messages", { method: "POST", body: JSON.stringify({ author: "ann", body: "hi" }) });
  expect(posted.status).toBe(204);
  expect(await t.query(api.messages.count, {})).toBe(1);
  expect(await t.run((ctx) => ctx.db.query("messages").withIndex("by_author", (q) => q.eq("author", "ann")).collect())).toHaveLength(1);
});
