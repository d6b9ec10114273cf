// SIGTERM under load: `serve` stops accepting connections, answers every request already in
// flight in full (no reset), writes their events, and exits 0 within SHUTDOWN_TIMEOUT_MS.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { runCli, startServe } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { seedUser } from "../support/seed.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { jwtFor, spkiPem } from "../support/tokens.js";

/** A request whose header block is sent except for its final blank line: in flight, not complete. */
function openRequest(port: number, authorization: string): Promise<{ finish(): Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let received = "";
    let ended = false;
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => (received += chunk));
    socket.once("end", () => (ended = true));
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.write(`GET /whoami HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\nAuthorization: ${authorization}\r\n`, () =>
        resolve({
          finish: () =>
            new Promise((done, fail) => {
              if (ended) return fail(new Error(`connection closed before the request was complete: ${JSON.stringify(received)}`));
              socket.once("error", fail);
              socket.once("end", () => done(received));
              socket.write("\r\n");
            }),
        }),
      );
    });
  });
}

describe.each(databaseKinds)("SIGTERM under load on %s", (kind) => {
  let db: TestDatabase;
  const key = freshKeyPair("ed25519").privateKey;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedUser(db.url, "alice", spkiPem(key));
  });
  afterAll(async () => {
    await db.drop();
  });

  it("answers every in-flight request in full, refuses new connections, keeps every event, exits 0", async () => {
    const serve = await startServe({ DATABASE_URL: db.url, CRTAUTH_SECRET: "shutdown-test", SHUTDOWN_TIMEOUT_MS: "8000" });
    const port = Number(new URL(serve.url).port);
    const inFlight = await Promise.all(Array.from({ length: 30 }, () => openRequest(port, jwtFor("alice", key, { time: Date.now() / 1000 }))));
    // Let the server read the partial header blocks: a connection whose first bytes it has not
    // read yet is idle to it, and idle connections are closed at once on SIGTERM.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = new Promise<number | null>((resolve) => serve.child.once("close", resolve));
    const signalledAt = performance.now();
    serve.child.kill("SIGTERM");
    // Draining: the listening socket is closed, so a new connection is refused.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const refused = await new Promise<string>((resolve) => {
      const probe = net.connect(port, "127.0.0.1");
      probe.once("connect", () => (probe.destroy(), resolve("connected")));
      probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
    });
    expect(refused).toBe("ECONNREFUSED");

    const responses = await Promise.all(inFlight.map((r) => r.finish()));
    for (const response of responses) {
      expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(JSON.parse(response.slice(response.indexOf("\r\n\r\n") + 4))).toMatchObject({ username: "alice", scheme: "jwt" });
    }
    expect(await exited).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(8000);

    const store = await openPrismaStore({ url: db.url, migrate: false });
    try {
      expect(await store.database.prisma.authEvent.count({ where: { username: "alice", outcome: "success" } })).toBe(30);
      const [stored] = await store.directory.listKeys("alice");
      expect(stored!.useCount).toBe(30);
    } finally {
      await store.close();
    }
  });
});

describe("SHUTDOWN_TIMEOUT_MS", () => {
  it("bounds the drain: a request that never completes does not keep the process alive past it, and events are still written", async () => {
    const db = await createTestDatabase("sqlite");
    try {
      const admin = await openPrismaStore({ url: db.url });
      const key = freshKeyPair("ed25519").privateKey;
      await admin.directory.addUser("alice");
      await admin.directory.addKey("alice", spkiPem(key));
      await admin.close();
      const serve = await startServe({ DATABASE_URL: db.url, CRTAUTH_SECRET: "shutdown-test", SHUTDOWN_TIMEOUT_MS: "1500" });
      // Answered before the signal: its event waits in the buffer (written once a second).
      const done = await openRequest(Number(new URL(serve.url).port), jwtFor("alice", key, { time: Date.now() / 1000 }));
      expect(await done.finish()).toMatch(/^HTTP\/1\.1 200 OK/);
      let stderr = "";
      serve.child.stderr!.on("data", (d) => (stderr += d));
      // A client that sends half a request and then nothing.
      await openRequest(Number(new URL(serve.url).port), "JWT never.finished.request");
      await new Promise((resolve) => setTimeout(resolve, 300));
      const start = performance.now();
      const code = await serve.stop();
      const took = performance.now() - start;
      expect(code).toBe(1);
      expect(took).toBeGreaterThanOrEqual(1400);
      expect(took).toBeLessThan(5000);
      expect(stderr.trim()).toBe("passport-sshkey: shutdown did not finish within 1500 ms; exiting");
      const store = await openPrismaStore({ url: db.url, migrate: false });
      try {
        expect(await store.database.prisma.authEvent.count({ where: { username: "alice", outcome: "success" } })).toBe(1);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });

  it("refuses a value that is not a positive integer, in one line", async () => {
    const result = await runCli(["serve", "--port", "0"], { env: { SHUTDOWN_TIMEOUT_MS: "soon", DATABASE_URL: "file:/nonexistent-dir-never-created/x.db" } });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/SHUTDOWN_TIMEOUT_MS must be a positive integer/);
  });
});
