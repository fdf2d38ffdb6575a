import { convexTest } from "convex-test";
import { expect, it } from "vitest";
import { authTest } from "../plugin/test";
import { api } from "./_generated/api";
import authSchema from "./betterAuth/schema";
import schema from "./schema";

const modules = import.meta.glob("./**/*.*s");

it("smoke", async () => {
  const t = convexTest(schema, modules);
  const auth = authTest(t, { schema: authSchema, modules: import.meta.glob("./betterAuth/**/*.*s") });
  const res = await auth.sendOtp("Ann@Example.com ");
  console.log(res.status, await res.text(), auth.outbox);
  const ann = await auth.signUp({ email: "ann@example.com", username: "ann" });
  console.log(ann);
  console.log(await ann.as.query(api.profiles.me, {}));
});
