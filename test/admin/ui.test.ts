// The router serves the built console: cache headers, SPA fallback, and a clear 503 when it is not built.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultUiDir } from "../../strategy/admin/console.js";
import { request, startAdminServer, type AdminServer } from "./support.js";

describe("console UI serving", () => {
  let dir: string;
  let server: AdminServer;
  let bare: string;

  beforeAll(async () => {
    // Under a hidden folder, as in a CI checkout or an npm cache: send's dotfile rule must not apply to it.
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sshkey-ui-")), ".checkout", "dist");
    fs.mkdirSync(path.join(dir, "assets"), { recursive: true });
    fs.writeFileSync(path.join(dir, "index.html"), '<!doctype html><div id="root"></div><script type="module" src="/admin/assets/index-abc123.js"></script>');
    fs.writeFileSync(path.join(dir, "assets", "index-abc123.js"), "console.log('ui')");
    server = await startAdminServer("sqlite", { uiDir: dir });
    bare = await server.mount({ uiDir: path.join(dir, "missing") });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(path.resolve(dir, "../.."), { recursive: true, force: true });
  });

  it("defaults to admin-ui/dist in the package", () => {
    expect(defaultUiDir()).toBe(path.resolve(import.meta.dirname, "../../admin-ui/dist"));
  });

  it("serves index.html at /admin/ uncached, with a strict CSP", async () => {
    const r = await request(`${server.url}/admin/`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/text\/html/);
    expect(r.headers.get("cache-control")).toBe("no-cache");
    expect(r.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
    expect(r.body).toContain('<div id="root">');
  });

  it("serves hashed assets with a long immutable cache; a missing asset is a JSON 404", async () => {
    const r = await request(`${server.url}/admin/assets/index-abc123.js`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/javascript/);
    expect(r.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const missing = await request(`${server.url}/admin/assets/index-gone.js`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
  });

  it("falls back to index.html for deep links but not for the API", async () => {
    for (const p of ["/admin/keys/abc", "/admin/users", "/admin/events?user=x"]) {
      const r = await request(`${server.url}${p}`);
      expect(r.status, p).toBe(200);
      expect(r.headers.get("cache-control")).toBe("no-cache");
      expect(r.body).toContain('<div id="root">');
    }
    const api = await request(`${server.url}/admin/api/nope`);
    expect(api.status).toBe(401);
    expect(api.body.error.code).toBe("unauthenticated");
    const post = await request(`${server.url}/admin/keys`, { method: "POST" });
    expect(post.status).toBe(404);
  });

  it("answers 503 console_not_built when the UI is missing; the API still works", async () => {
    for (const p of ["/admin/", "/admin/keys"]) {
      const r = await request(`${bare}${p}`);
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe("console_not_built");
      expect(r.body.error.message).toMatch(/npm run build:ui/);
    }
    expect((await request(`${bare}/admin/api/me`)).body.error.code).toBe("unauthenticated");
  });
});
