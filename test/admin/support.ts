import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { createAdminRouter, type AdminRouterOptions } from "../../strategy/admin/router.js";
import { createSignInLink } from "../../strategy/admin/sessions.js";
import { publicKeyFromKeyObject } from "../../strategy/keys/index.js";
import type { SshKeyStore } from "../../strategy/store/index.js";
import { openPrismaStore, type PrismaStore } from "../../strategy/store/prisma/store.js";
import { createTestDatabase, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { fetchJson } from "../support/server.js";

export interface AdminServer {
  url: string;
  store: PrismaStore;
  clock: { now: number };
  /** Another app on the same store, e.g. with different rate limits. */
  mount(options: Omit<AdminRouterOptions, "store" | "now">): Promise<string>;
  close(): Promise<void>;
}

async function listen(app: express.Express, servers: Server[]): Promise<string> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An Express app with only the admin router at /admin, on a fresh database, with a movable clock. */
export async function startAdminServer(kind: DatabaseKind, options: Omit<AdminRouterOptions, "store" | "now"> = {}): Promise<AdminServer> {
  const clock = { now: Date.UTC(2030, 0, 1) };
  const database: TestDatabase = await createTestDatabase(kind);
  const store = await openPrismaStore({ url: database.url, now: () => clock.now, activity: { flushEveryMs: 20 } });
  const servers: Server[] = [];
  const mount = (opts: Omit<AdminRouterOptions, "store" | "now">) => {
    const app = express();
    app.use("/admin", createAdminRouter({ rateLimit: { capacity: 1000 }, log: () => {}, ...opts, store, now: () => clock.now }));
    return listen(app, servers);
  };
  const url = await mount(options);
  return {
    url,
    store,
    clock,
    mount,
    async close() {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
      }
      await store.close();
      await database.drop();
    },
  };
}

export interface Client {
  cookie: string;
  csrf: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

export function request(url: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  return fetchJson(url, { redirect: "manual", ...init });
}

export function cookieFrom(headers: Headers): string {
  const set = headers.get("set-cookie") ?? "";
  const match = /sshkey_console=([^;]*)/.exec(set);
  return match ? `sshkey_console=${match[1]}` : "";
}

/**
 * What a browser does with a sign-in link: GET its page, then press Sign in (POST the form with
 * the cookie the page set). Answers the POST (303 with the session cookie when it worked), or the
 * GET when that already refused the link.
 */
export async function redeemLink(link: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const page = await fetch(link, { redirect: "manual", headers: { accept: "text/html", ...headers } });
  const text = await page.text();
  const token = /name="form" value="([\w-]{43})"/.exec(text)?.[1];
  const formCookie = /sshkey_link_form=([^;]*)/.exec(page.headers.get("set-cookie") ?? "")?.[1];
  if (page.status !== 200 || !token || !formCookie) return request(link, { headers });
  const cookie = [headers.cookie, `sshkey_link_form=${formCookie}`].filter(Boolean).join("; ");
  return request(link, {
    method: "POST",
    headers: { ...headers, cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ form: token }).toString(),
  });
}

/** Signs `username` in through a one-time link and reads the CSRF token from /me. */
export async function signIn(server: Pick<AdminServer, "url" | "store" | "clock">, username: string, base = server.url): Promise<Client> {
  const user = await server.store.database.prisma.user.findUniqueOrThrow({ where: { username } });
  const { secret } = await createSignInLink(server.store.sessions, user.id, { now: server.clock.now });
  const redeemed = await redeemLink(`${base}/admin/login/${secret}`);
  if (redeemed.status !== 303) throw new Error(`sign-in failed: ${redeemed.status} ${JSON.stringify(redeemed.body)}`);
  const cookie = cookieFrom(redeemed.headers);
  const me = await request(`${base}/admin/api/me`, { headers: { cookie } });
  return clientFor(base, cookie, me.body.csrfToken);
}

/** Signs `username` in to the console at `<url>/admin` of any store (memory too) through a one-time link. */
export async function signInTo(url: string, store: SshKeyStore, username: string): Promise<Client> {
  const user = await store.directory.findUser(username);
  const { secret } = await createSignInLink(store.sessions, user.id, { now: Date.now() });
  const redeemed = await redeemLink(`${url}/admin/login/${secret}`);
  if (redeemed.status !== 303) throw new Error(`sign-in failed: ${redeemed.status} ${JSON.stringify(redeemed.body)}`);
  const cookie = cookieFrom(redeemed.headers);
  const me = await request(`${url}/admin/api/me`, { headers: { cookie } });
  return clientFor(url, cookie, me.body.csrfToken);
}

export function clientFor(base: string, cookie: string, csrf: string): Client {
  return {
    cookie,
    csrf,
    call(method, path, body, headers = {}) {
      const h: Record<string, string> = { cookie, "x-csrf-token": csrf, ...headers };
      let payload: string | undefined;
      if (body !== undefined) {
        h["content-type"] ??= "application/json";
        payload = typeof body === "string" ? body : JSON.stringify(body);
      }
      return request(`${base}/admin/api${path}`, { method, headers: h, body: payload ?? null });
    },
  };
}

/** A fresh Ed25519 public key line. */
export function newKeyLine(comment = ""): string {
  const { publicKey } = freshKeyPair("ed25519");
  const line = publicKeyFromKeyObject(publicKey).openssh;
  return comment ? `${line} ${comment}` : line;
}
