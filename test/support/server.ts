import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { AdminRouterOptions } from "../../strategy/admin/router.js";
import { createDemoApp } from "../../strategy/server/demo-app.js";
import { SshKeyStrategy, type SshKeyStrategyOptions } from "../../strategy/strategy.js";
import { createMemoryStore, type SshKeyStore } from "../../strategy/store/index.js";
import { openPrismaStore, type PrismaStore } from "../../strategy/store/prisma/store.js";
import { createTestDatabase, type DatabaseKind, type TestDatabase } from "./databases.js";
import { recordingEvents } from "./events.js";

export interface TestServer<Store extends SshKeyStore = PrismaStore> {
  url: string;
  store: Store;
  /** The database under the store; absent on memory. */
  database: Store extends PrismaStore ? TestDatabase : undefined;
  strategy: SshKeyStrategy;
  /** Current fake time in ms; tests move it. */
  clock: { now: number };
  close(): Promise<void>;
}

/** A test server on the memory store (`startTestServer("memory")`). */
export type MemoryTestServer = TestServer<SshKeyStore>;

/** `admin`: the console router's own options (e.g. keyImport), beside the strategy's. */
export type TestServerOptions = Omit<SshKeyStrategyOptions, "store" | "now"> & { startAt?: number; admin?: Omit<AdminRouterOptions, "store"> };

/**
 * A migrated database of `kind`, the demo app on it, listening on a loopback port; with
 * "memory", the in-memory store instead (no database), for tests whose subject is not the store.
 */
export async function startTestServer(kind: "memory", options?: TestServerOptions): Promise<TestServer<SshKeyStore>>;
export async function startTestServer(kind: DatabaseKind, options?: TestServerOptions): Promise<TestServer>;
export async function startTestServer(kind: DatabaseKind | "memory", options: TestServerOptions = {}): Promise<TestServer<SshKeyStore>> {
  const { startAt, admin, ...strategyOptions } = options;
  const clock = { now: startAt ?? Date.now() };
  const database = kind === "memory" ? undefined : await createTestDatabase(kind);
  const store: SshKeyStore = database
    ? await openPrismaStore({ url: database.url, now: () => clock.now, activity: { flushEveryMs: 20 } })
    : recordingEvents(createMemoryStore({ now: () => clock.now }));
  const strategy = new SshKeyStrategy({ ...strategyOptions, store, now: () => clock.now });
  const server: Server = await new Promise((resolve) => {
    // With a `crtauth` option (a fixed secret), the crtauth handshake is mounted at /_auth too, on the test clock.
    const crtauth = strategyOptions.crtauth ? { ...strategyOptions.crtauth, now: () => clock.now } : undefined;
    const s = createDemoApp({ strategy, log: () => {}, crtauth, ...(admin ? { admin } : {}) }).listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    database: database as undefined,
    strategy,
    clock,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
      await database?.drop();
    },
  };
}

export function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  return fetchJson(url, { headers });
}

/** fetch, with the body parsed as JSON when it is JSON (kept as text otherwise). */
export async function fetchJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body, headers: response.headers };
}
