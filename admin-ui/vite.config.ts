import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Built into admin-ui/dist and served by createAdminRouter() under /admin/.
export default defineConfig({
  root: import.meta.dirname,
  base: "/admin/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: { proxy: { "/admin/api": "http://127.0.0.1:3000", "/admin/login": "http://127.0.0.1:3000" } },
});
