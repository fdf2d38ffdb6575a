import { ConvexBetterAuthProvider, type AuthClient } from "@convex-dev/better-auth/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { authClient } from "./auth-client";
import { convex } from "./convex";
import "./styles.css";

// @convex-dev/better-auth 0.12.5 types `authClient` too narrowly for better-auth 1.6.20+ (its
// `useSession().data` becomes `never`: get-convex/better-auth#393); the client itself fits.
const betterAuthClient = authClient as unknown as AuthClient;

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ConvexBetterAuthProvider client={convex} authClient={betterAuthClient}>
      <App />
    </ConvexBetterAuthProvider>
  </StrictMode>,
);
