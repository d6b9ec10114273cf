import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createDemoApp } from "../../strategy/server/demo-app.js";
import { SshKeyStrategy, type SshKeyStrategyOptions } from "../../strategy/strategy.js";
import { openPrismaStore, type PrismaStore } from "../../strategy/store/prisma/store.js";
import { createTestDatabase, type DatabaseKind, type TestDatabase } from "./databases.js";

export interface TestServer {
  url: string;
  store: PrismaStore;
  database: TestDatabase;
  strategy: SshKeyStrategy;
  /** Current fake time in ms; tests move it. */
  clock: { now: number };
  close(): Promise<void>;
}

/** A migrated database of `kind`, the demo app on it, listening on a loopback port. */
export async function startTestServer(
  kind: DatabaseKind,
  options: Omit<SshKeyStrategyOptions, "store" | "now"> & { startAt?: number } = {},
): Promise<TestServer> {
  const { startAt, ...strategyOptions } = options;
  const clock = { now: startAt ?? Date.now() };
  const database = await createTestDatabase(kind);
  const store = await openPrismaStore({ url: database.url, now: () => clock.now, activity: { flushEveryMs: 20 } });
  const strategy = new SshKeyStrategy({ ...strategyOptions, store, now: () => clock.now });
  const server: Server = await new Promise((resolve) => {
    // With a `crtauth` option (a fixed secret), the crtauth handshake is mounted at /_auth too, on the test clock.
    const crtauth = strategyOptions.crtauth ? { ...strategyOptions.crtauth, now: () => clock.now } : undefined;
    const s = createDemoApp({ strategy, log: () => {}, crtauth }).listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    database,
    strategy,
    clock,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
      await database.drop();
    },
  };
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body, headers: response.headers };
}
