/// <reference types="vite/client" />
import betterAuthTest from "@convex-dev/better-auth/test";
import { convexTest } from "convex-test";
import { expect, it } from "vitest";
import schema from "./schema";

it("signs up and in with email and password", async () => {
  process.env["SITE_URL"] = "http://localhost:3000";
  process.env["BETTER_AUTH_SECRET"] = "a-test-secret-that-is-long-enough-0123456789";
  process.env["CONVEX_SITE_URL"] = "http://127.0.0.1:3211";
  const t = convexTest(schema, import.meta.glob("./**/*.*s"));
  betterAuthTest.register(t);
  const headers = { "content-type": "application/json", origin: "http://localhost:3000" };
  const body = JSON.stringify({ email: "ann@example.com", password: "a long password", name: "Ann" });
  const signUp = await t.fetch("/api/auth/sign-up/email", { method: "POST", headers, body });
  expect(signUp.status).toBe(200);
  const signIn = await t.fetch("/api/auth/sign-in/email", {
    method: "POST",
    headers,
    body: JSON.stringify({ email: "ann@example.com", password: "a long password" }),
  });
  expect(signIn.status).toBe(200);
});
