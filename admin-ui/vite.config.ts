import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";

// Built into admin-ui/dist and served by createAdminRouter() wherever it is mounted: asset
// URLs are relative, and the router writes a <base href> for its mount into index.html.
// The dev server stands in for the router: it proxies the API of a server mounted at devMount
// and writes the same <base href>, so the console reads its mount from the page either way.
const devMount = "/admin";
const apiServer = "http://127.0.0.1:3000";

function devBaseHref(): Plugin {
  return {
    name: "sshkey-console-dev-base",
    apply: "serve",
    transformIndexHtml: () => [{ tag: "base", attrs: { href: `${devMount}/` }, injectTo: "head-prepend" }],
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  plugins: [react(), devBaseHref()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  server: {
    proxy: { [`${devMount}/api`]: apiServer, [`${devMount}/login`]: apiServer },
    // The console imports the API contract and the key-state table from strategy/.
    fs: { allow: [`${import.meta.dirname}/..`] },
  },
});
