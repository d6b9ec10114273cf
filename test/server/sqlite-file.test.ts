// The SQLite file itself: `serve` on a path it cannot open exits 1 with one line naming the
// file; a file deleted under a running server is noticed (readiness 503, requests 503)
// instead of the server carrying on with an unlinked copy that no revocation reaches.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { runCli, startServe } from "../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { getJson } from "../support/server.js";
import { jwtFor, spkiPem } from "../support/tokens.js";

describe("serve and its SQLite file", () => {
  let db: TestDatabase;
  const key = freshKeyPair("ed25519").privateKey;
  beforeAll(async () => {
    db = await createTestDatabase("sqlite");
    const admin = await openPrismaStore({ url: db.url });
    await admin.directory.addUser("alice");
    await admin.directory.addKey("alice", spkiPem(key));
    await admin.close();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("exits 1 with one line naming a database file it cannot open", async () => {
    // procfs takes no new files, not even from root.
    const result = await runCli(["serve", "--port", "0"], { env: { DATABASE_URL: "file:/proc/pssk-unwritable.db" } });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/cannot open the SQLite database \/proc\/pssk-unwritable\.db/);
  });

  it("notices the file deleted while running: readiness and requests answer 503, liveness stays ok", async () => {
    const serve = await startServe({ DATABASE_URL: db.url, CRTAUTH_SECRET: "sqlite-file-test" });
    try {
      const whoami = () => getJson(`${serve.url}/whoami`, { authorization: jwtFor("alice", key, { time: Date.now() / 1000 }) });
      expect((await whoami()).status).toBe(200);
      const file = db.url.slice("file:".length);
      for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
      const deletedAt = Date.now();
      for (;;) {
        const r = await whoami();
        if (r.status === 503) break;
        expect(r.status).toBe(200);
        // One failed poll, then the staleness bound (poll interval + poll timeout + 1 s).
        expect(Date.now() - deletedAt).toBeLessThan(3500);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const ready = await getJson(`${serve.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body.reason).toMatch(/was deleted/);
      expect((await getJson(`${serve.url}/healthz`)).status).toBe(200);
    } finally {
      await serve.stop();
    }
  });
});
