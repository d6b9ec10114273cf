// The admin API while another connection holds the SQLite write lock: a change answers 503
// `unavailable` with Retry-After within a bound (never a 500, never a freeze); reads still
// work (WAL); once the lock goes the same change succeeds.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newKeyLine, signIn, startAdminServer, type AdminServer, type Client } from "./support.js";

describe("admin API with the SQLite database locked elsewhere", () => {
  let server: AdminServer;
  let alice: Client;
  beforeAll(async () => {
    server = await startAdminServer("sqlite");
    await server.store.directory.addUser("alice");
    alice = await signIn(server, "alice");
  });
  afterAll(async () => {
    await server.close();
  });

  it("answers 503 for a write, keeps serving reads, and takes the write after", async () => {
    const holder = new Database(server.store.database.url.slice("file:".length));
    holder.exec("BEGIN IMMEDIATE");
    const line = newKeyLine("locked");
    try {
      const start = performance.now();
      const added = await alice.call("POST", "/keys", { text: line }, { origin: server.url });
      expect(performance.now() - start).toBeLessThan(1000);
      expect(added.status).toBe(503);
      expect(added.body.error.code).toBe("unavailable");
      expect(added.headers.get("retry-after")).toBe("1");
      const listed = await alice.call("GET", "/keys");
      expect(listed.status).toBe(200);
      expect(listed.body.keys).toEqual([]);
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    const again = await alice.call("POST", "/keys", { text: line }, { origin: server.url });
    expect(again.status).toBe(201);
  });
});
