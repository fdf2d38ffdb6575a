import { httpRouter } from "convex/server";
import { authComponent, createAuth } from "./auth";

const http = httpRouter();

// Better Auth's routes under /api/auth/*, plus the OpenID configuration the Convex JWT needs.
authComponent.registerRoutes(http, createAuth);

export default http;
