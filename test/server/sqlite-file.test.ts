// The SQLite file itself: `serve` on a path it cannot open exits 1 with one line naming the
// file; a file deleted or made read-only under a running server is noticed (readiness 503,
// requests 503) instead of the server carrying on with a copy that no revocation reaches.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { root, runCli, startServe } from "../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { seedUser } from "../support/seed.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { getJson } from "../support/server.js";
import { jwtFor, spkiPem } from "../support/tokens.js";

describe("serve and its SQLite file", () => {
  let db: TestDatabase;
  const key = freshKeyPair("ed25519").privateKey;
  beforeAll(async () => {
    db = await createTestDatabase("sqlite");
    await seedUser(db.url, "alice", spkiPem(key));
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

  it("notices the file made read-only while running (as a user file modes apply to)", async () => {
    // Root ignores file modes: the server then runs as nobody, in a folder nobody owns.
    const asRoot = process.getuid?.() === 0;
    const dir = fs.mkdtempSync(path.join(path.dirname(db.url.slice("file:".length)), "ro-"));
    const file = path.join(dir, "ro.db");
    const admin = await openPrismaStore({ url: `file:${file}` });
    await admin.directory.addUser("alice");
    await admin.directory.addKey("alice", spkiPem(key));
    await admin.close();
    if (asRoot) {
      fs.chmodSync(path.dirname(dir), 0o755);
      for (const f of [dir, ...fs.readdirSync(dir).map((n) => path.join(dir, n))]) fs.chownSync(f, 65534, 65534);
    }
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "bin/passport-sshkey.ts"), "serve", "--port", "0"], {
      cwd: root,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", DATABASE_URL: `file:${file}`, CRTAUTH_SECRET: "sqlite-ro-test", HOME: dir },
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
        child.stderr.on("data", (d) => (out += d));
        child.stdout.on("data", (d) => {
          out += d;
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.once("close", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      const whoami = () => getJson(`${url}/whoami`, { authorization: jwtFor("alice", key, { time: Date.now() / 1000 }) });
      expect((await whoami()).status).toBe(200);
      fs.chmodSync(file, 0o444);
      const start = Date.now();
      for (;;) {
        const r = await whoami();
        if (r.status === 503) break;
        expect(r.status).toBe(200);
        expect(Date.now() - start).toBeLessThan(3500);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const ready = await getJson(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body.reason).toMatch(/is not writable/);
    } finally {
      const closed = new Promise((resolve) => child.once("close", resolve));
      child.kill("SIGTERM");
      await closed;
    }
  });
});
