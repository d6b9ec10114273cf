import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Built into admin-ui/dist and served by createAdminRouter() wherever it is mounted: asset
// URLs are relative, and the router writes a <base href> for its mount into index.html.
export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: { proxy: { "/admin/api": "http://127.0.0.1:3000", "/admin/login": "http://127.0.0.1:3000" } },
});
