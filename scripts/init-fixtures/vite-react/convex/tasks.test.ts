/// <reference types="vite/client" />
import { convexTest } from "convex-test";
import { expect, it } from "vitest";
import { api } from "./_generated/api";
import schema from "./schema";

it("keeps its own tasks", async () => {
  const t = convexTest(schema, import.meta.glob("./**/*.*s"));
  await t.mutation(api.tasks.add, { text: "write docs" });
  expect(await t.query(api.tasks.list, {})).toMatchObject([{ text: "write docs", done: false }]);
});
