// Where the console is mounted (e.g. "/admin", "/keys-console"), read from the page's
// <base href>: createAdminRouter writes it into index.html for the mount it serves, and the
// Vite dev server writes the mount it proxies (admin-ui/vite.config.ts), so one build works
// under any path and no mount is written here.
function readBasePath(): string {
  if (!document.querySelector("base[href]")) throw new Error("the console page has no <base href>: serve it through createAdminRouter");
  return new URL(document.baseURI).pathname.replace(/\/+$/, "");
}

export const basePath: string = readBasePath();
