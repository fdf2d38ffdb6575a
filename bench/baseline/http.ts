import { httpRouter } from "convex/server";
import { authComponent, createAuth } from "./auth";

const http = httpRouter();

// Better Auth's routes under /api/auth/*, as in the reference backend.
authComponent.registerRoutes(http, createAuth);

export default http;
