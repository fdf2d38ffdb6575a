import { ShardedCounter } from "@convex-dev/sharded-counter";
import { v } from "convex/values";
import { components } from "./_generated/api";
import { internalMutation, query } from "./_generated/server";

const counter = new ShardedCounter(components.shardedCounter);

export const send = internalMutation({
  args: { author: v.string(), body: v.string() },
  handler: async (ctx, message) => {
    await ctx.db.insert("messages", message);
    await counter.add(ctx, "messages");
  },
});

export const count = query({ args: {}, handler: async (ctx) => await counter.count(ctx, "messages") });
