// Where the console is mounted (e.g. "/admin", "/keys-console"): createAdminRouter writes a
// <base href> into index.html for the mount it serves, so one build works under any path.
// The Vite dev server serves the page without one; it proxies /admin.
function readBasePath(): string {
  if (!document.querySelector("base[href]")) return "/admin";
  return new URL(document.baseURI).pathname.replace(/\/+$/, "");
}

export const basePath: string = readBasePath();
