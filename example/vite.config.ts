import react from "@vitejs/plugin-react";
import { defineConfig, loadEnv } from "vite";

// `npm start` serves the build from the local runtime (one origin). Against a real deployment,
// `vite` proxies Better Auth's routes to VITE_CONVEX_SITE_URL so that its cookies stay first-party.
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), "VITE_");
  const siteUrl = env.VITE_CONVEX_SITE_URL;
  return {
    root: import.meta.dirname,
    plugins: [react()],
    build: { outDir: "dist", emptyOutDir: true },
    server: siteUrl
      ? { proxy: { "/api/auth": { target: siteUrl, changeOrigin: true } } }
      : undefined,
  };
});
