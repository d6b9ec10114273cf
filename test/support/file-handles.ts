import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";

/** Descriptors this process holds on the SQLite file and its -wal/-shm companions. */
export function handlesOn(databaseFile: string): number {
  let count = 0;
  for (const fd of fs.readdirSync("/proc/self/fd")) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(databaseFile)) count++;
    } catch {
      // closed between readdir and readlink
    }
  }
  return count;
}

/**
 * For a describe block: DATABASE_URL on a fresh SQLite file where alice holds `publicKey`
 * (restored afterwards), and how many descriptors one open store holds on it, the yardstick
 * for "one store". Read the fields inside tests (they are set in beforeAll).
 */
export function zeroConfigDatabase(prefix: string, publicKey: string): { databaseFile: string; handlesPerStore: number } {
  const state = { databaseFile: "", handlesPerStore: 0 };
  let dir = "";
  let previousUrl: string | undefined;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    state.databaseFile = path.join(dir, "app.sqlite");
    previousUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = `file:${state.databaseFile}`;
    const seed = await openPrismaStore();
    await seed.directory.addUser("alice");
    await seed.directory.addKey("alice", publicKey);
    await seed.close();
    // Counted on a store that has only authenticated: one that wrote through the directory
    // also holds the Prisma client's connection.
    const probe = await openPrismaStore();
    await probe.keys.findByUsername("alice");
    state.handlesPerStore = handlesOn(state.databaseFile);
    await probe.close();
  });
  afterAll(() => {
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return state;
}
