// An app with scoped routes over one store: what the key-limit tests (scopes, rate limit,
// lockout) drive through HTTP, several instances of it on one database when a test needs that.
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import passport from "passport";
import { sshkeyErrorHandler } from "../../strategy/http/error-handler.js";
import { SshKeyStrategy, type SshKeyAuthInfo, type SshKeyStrategyOptions } from "../../strategy/strategy.js";
import type { SshKeyStore, StoredUser } from "../../strategy/store/index.js";
import { authorizationFor } from "../../strategy/client/index.js";
import type { Signer } from "../../strategy/client/signer.js";
import { createToken } from "../../strategy/schemes/crtauth/token.js";
import { fetchJson } from "./server.js";
import { createMemoryStore } from "../../strategy/store/index.js";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { createTestDatabase, type DatabaseKind } from "./databases.js";
import { recordingEvents } from "./events.js";

const crtauthSecret = "limits-test-secret";

export interface LimitsApp {
  url: string;
  strategy: SshKeyStrategy;
  close(): Promise<void>;
}

/**
 * Routes: `/open` (no scope), `/deploy` (scope "deploy"), `/both` (scopes "deploy" and "read");
 * each answers the user, scheme and the key's scopes from authInfo.
 */
export async function startLimitsApp(
  store: SshKeyStore,
  clock: { now: number },
  options: Omit<SshKeyStrategyOptions, "store" | "now"> = {},
): Promise<LimitsApp> {
  const strategy = new SshKeyStrategy({ crtauth: { secret: crtauthSecret }, ...options, store, now: () => clock.now });
  const authenticator = new passport.Passport();
  authenticator.use(strategy);
  const app = express();
  const answer = (req: express.Request, res: express.Response) => {
    const info = req.authInfo as SshKeyAuthInfo;
    res.json({ username: (req.user as StoredUser).username, scheme: info.scheme, scopes: info.scopes });
  };
  const routes: [string, string | string[] | undefined][] = [
    ["/open", undefined],
    ["/deploy", "deploy"],
    ["/both", ["deploy", "read"]],
  ];
  for (const [path, scope] of routes) {
    app.get(path, authenticator.authenticate("sshkey", { session: false, failWithError: true, ...(scope ? { scope } : {}) }), answer);
  }
  app.use(sshkeyErrorHandler({ log: () => {} }));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    strategy,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type LimitsScheme = "jwt" | "sshauth" | "crtauth";

/** A fresh Authorization value for `username` signed by `signer` (crtauth: a token minted with the test secret). */
export async function authorization(scheme: LimitsScheme, signer: Signer, username: string, nowMs: number): Promise<string> {
  if (scheme === "crtauth") return `chap:${createToken({ username, secret: crtauthSecret, now: () => nowMs }).text}`;
  return authorizationFor({ scheme, signer, username, now: () => nowMs }, { method: "GET", url: new URL("http://127.0.0.1/") });
}

export function get(url: string, authorizationValue: string): Promise<{ status: number; body: any; headers: Headers }> {
  return fetchJson(url, { headers: { authorization: authorizationValue } });
}

/** A store of `kind` on the test clock (a fresh database for SQLite and PostgreSQL); `close` also drops it. */
export async function openLimitsStore(
  kind: "memory" | DatabaseKind,
  clock: { now: number },
  options: { redisUrl?: string | undefined; url?: string | undefined } = {},
): Promise<{ store: SshKeyStore; url: string | undefined; close(): Promise<void> }> {
  if (kind === "memory") return { store: recordingEvents(createMemoryStore({ now: () => clock.now })), url: undefined, close: async () => {} };
  const database = options.url === undefined ? await createTestDatabase(kind) : null;
  const url = options.url ?? database!.url;
  const store = await openPrismaStore({ url, now: () => clock.now, redisUrl: options.redisUrl, activity: { flushEveryMs: 20 } });
  return {
    store,
    url,
    async close() {
      await store.close();
      await database?.drop();
    },
  };
}
