import { httpRouter } from "convex/server";
import { auth } from "./auth";

const http = httpRouter();

// The OpenID configuration and JWKS routes Convex reads to check the JWTs.
auth.addHttpRoutes(http);

export default http;
