import { ConvexReactClient } from "convex/react";
import { convexUrl } from "./config";

/**
 * The app's one Convex client: a WebSocket to the deployment (or to the local runtime), over which
 * `useQuery` subscriptions stay live. `ConvexBetterAuthProvider` gives it the user's Convex JWT.
 */
export const convex = new ConvexReactClient(convexUrl);
