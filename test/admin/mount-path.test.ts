// createAdminRouter mounted somewhere other than /admin, two levels deep: the built console's
// page, its assets, its API calls and its sign-in links all stay under that mount.
import fs from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminRouter } from "../../strategy/admin/router.js";
import { createSignInLink } from "../../strategy/admin/sessions.js";
import { openPrismaStore, type PrismaStore } from "../../strategy/store/prisma/store.js";
import { ensureConsoleBuilt } from "../support/build.js";
import { root } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { cookieFrom, newKeyLine, redeemLink, request } from "./support.js";

const mount = "/tools/keys-console";

describe.each(databaseKinds)("the console under %s mounted at /tools/keys-console", (kind) => {
  let db: TestDatabase;
  let store: PrismaStore;
  let server: Server;
  let origin: string;
  let aliceId: string;

  beforeAll(async () => {
    ensureConsoleBuilt();
    db = await createTestDatabase(kind);
    store = await openPrismaStore({ url: db.url });
    aliceId = (await store.directory.addUser("alice", { isAdmin: true })).id;
    await store.directory.addKey("alice", newKeyLine("alice-laptop"));
    const app = express();
    app.use(mount, createAdminRouter({ store, log: () => {} }));
    server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await store?.close();
    await db?.drop();
  });

  it("index.html carries a <base> for the mount, at the root and on deep links; its relative assets load from there", async () => {
    for (const page of [`${mount}/`, `${mount}/keys/abc`, `${mount}/users?q=x`]) {
      const r = await request(`${origin}${page}`);
      expect(r.status, page).toBe(200);
      expect(r.body).toContain(`<base href="${mount}/" />`);
      const assets = [...(r.body as string).matchAll(/(?:src|href)="(\.\/assets\/[^"]+)"/g)].map((m) => m[1]!);
      expect(assets.length).toBeGreaterThanOrEqual(2);
      for (const asset of assets) {
        // Resolved the way the browser does, against the <base>.
        const loaded = await request(new URL(asset, `${origin}${mount}/`).href);
        expect(loaded.status, asset).toBe(200);
        expect(loaded.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      }
    }
    // The built bundle takes its API and page base from the document, not a hard-coded /admin.
    const bundle = fs.readdirSync(path.join(root, "admin-ui/dist/assets")).find((f) => f.endsWith(".js"))!;
    expect(fs.readFileSync(path.join(root, "admin-ui/dist/assets", bundle), "utf8")).not.toMatch(/["'`]\/admin\/api/);
  });

  it("sign-in links, the session cookie and the API live under the mount", async () => {
    const { secret } = await createSignInLink(store.sessions, aliceId);
    const opened = await redeemLink(`${origin}${mount}/login/${secret}`);
    expect(opened.status).toBe(303);
    expect(opened.headers.get("location")).toBe(`${mount}/`);
    expect(opened.headers.get("set-cookie")).toMatch(new RegExp(`Path=${mount}/?(;|$)`, "i"));
    const me = await request(`${origin}${mount}/api/me`, { headers: { cookie: cookieFrom(opened.headers) } });
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe("alice");
    const keys = await request(`${origin}${mount}/api/keys`, { headers: { cookie: cookieFrom(opened.headers) } });
    expect(keys.body.keys.map((k: { comment: string }) => k.comment)).toEqual(["alice-laptop"]);
  });

  it.runIf(kind === "sqlite")("in Chromium: the link opens the keys page, which lists the key through the mounted API", async () => {
    const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
    if (!fs.existsSync(chromiumPath)) {
      if (process.env.CI === "true") throw new Error(`CI=true but no Chromium at ${chromiumPath}`);
      console.warn(`no Chromium at ${chromiumPath}: browser check skipped`);
      return;
    }
    const { chromium } = await import("@playwright/test");
    const browser = await chromium.launch({ executablePath: chromiumPath });
    try {
      const page = await browser.newPage();
      const apiCalls: string[] = [];
      page.on("request", (r) => {
        if (r.url().includes("/api/")) apiCalls.push(new URL(r.url()).pathname);
      });
      const { secret } = await createSignInLink(store.sessions, aliceId);
      await page.goto(`${origin}${mount}/login/${secret}`);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "SSH keys", exact: true }).waitFor();
      await page.getByText("alice-laptop").first().waitFor();
      expect(new URL(page.url()).pathname).toBe(`${mount}/`);
      expect(apiCalls.length).toBeGreaterThan(0);
      for (const call of apiCalls) expect(call.startsWith(`${mount}/api/`), call).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
