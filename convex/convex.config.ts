import { defineApp } from "convex/server";
import rateLimiter from "@convex-dev/rate-limiter/convex.config";
import betterAuth from "./betterAuth/convex.config";

const app = defineApp();
app.use(betterAuth);
// Keeps the plugin's send limits and failed-verification budgets.
app.use(rateLimiter);

export default app;
