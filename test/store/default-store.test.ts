// Drivers load only for the database in use: importing the package loads none of them, a
// SQLite store loads no PostgreSQL or Redis driver, a PostgreSQL store no SQLite one.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-modules-"));

const families = {
  sqlite: /\/node_modules\/(better-sqlite3|@prisma\/adapter-better-sqlite3)\/|\/generated\/sqlite\//,
  postgresql: /\/node_modules\/(pg|pg-[a-z-]+|@prisma\/adapter-pg)\/|\/generated\/postgresql\//,
  redis: /\/node_modules\/(ioredis|@ioredis\/[^/]+)\//,
  prisma: /\/node_modules\/(@prisma\/[^/]+|\.prisma)\//,
};

/**
 * Runs `body` (an ES module, after `import * as entry from <package entry>`) in a fresh Node
 * and answers every module it loaded: each URL the ESM loader resolved, and each file in the
 * CommonJS cache (drivers are CommonJS and may load more through require).
 */
async function modulesLoadedBy(body: string, env: Record<string, string> = {}): Promise<string[]> {
  const script = path.join(work, `script-${Math.random().toString(36).slice(2)}.mts`);
  const log = `${script}.log`;
  fs.writeFileSync(
    script,
    `import { createRequire } from "node:module";
import fs from "node:fs";
import * as entry from ${JSON.stringify(path.join(root, "strategy/index.ts"))};
${body}
fs.appendFileSync(${JSON.stringify(log)}, Object.keys(createRequire(import.meta.url).cache).join("\\n") + "\\n");
`,
  );
  const childEnv: NodeJS.ProcessEnv = { ...process.env, MODULE_LOG: log, ...env };
  delete childEnv.REDIS_URL;
  delete childEnv.DATABASE_URL;
  await promisify(execFile)(process.execPath, ["--import", "tsx", "--import", path.join(root, "test/support/module-log.mjs"), script], {
    cwd: root,
    env: childEnv,
    timeout: 60_000,
  });
  return fs
    .readFileSync(log, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => (line.startsWith("file:") ? fileURLToPath(line) : line));
}

function loaded(modules: string[], family: keyof typeof families): string[] {
  return modules.filter((m) => families[family].test(m));
}

describe("drivers load only for the database in use", () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const database of databases) await database.drop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("importing the package loads no database driver and no Prisma", async () => {
    const modules = await modulesLoadedBy(`if (typeof entry.SshKeyStrategy !== "function") throw new Error("no entry");`);
    // The probe itself works: the entry's own files are in the log.
    expect(modules.some((m) => m.endsWith(path.join("strategy", "store", "prisma", "store.ts")))).toBe(true);
    for (const family of ["sqlite", "postgresql", "redis", "prisma"] as const) expect(loaded(modules, family), family).toEqual([]);
  });

  it("a memory store loads no database driver", async () => {
    const modules = await modulesLoadedBy(`const store = entry.createMemoryStore(); await store.directory.addUser("alice"); await store.close();`);
    for (const family of ["sqlite", "postgresql", "redis", "prisma"] as const) expect(loaded(modules, family), family).toEqual([]);
  });

  it("a SQLite store (opened as the default store is) loads the SQLite driver only", async () => {
    const database = await createTestDatabase("sqlite");
    databases.push(database);
    const defaultStore = JSON.stringify(path.join(root, "strategy/store/default-store.ts"));
    const modules = await modulesLoadedBy(
      `const { openDefaultStore } = await import(${defaultStore}); const store = await openDefaultStore({ url: ${JSON.stringify(database.url)} }); await store.close();`,
    );
    expect(loaded(modules, "sqlite").length).toBeGreaterThan(0);
    expect(loaded(modules, "postgresql")).toEqual([]);
    expect(loaded(modules, "redis")).toEqual([]);
  });

  it.runIf(databaseKinds.includes("postgresql"))("a PostgreSQL store loads the PostgreSQL driver only", async () => {
    const database = await createTestDatabase("postgresql");
    databases.push(database);
    const modules = await modulesLoadedBy(`const store = await entry.openPrismaStore({ url: ${JSON.stringify(database.url)} }); await store.close();`);
    expect(loaded(modules, "postgresql").length).toBeGreaterThan(0);
    expect(loaded(modules, "sqlite")).toEqual([]);
    expect(loaded(modules, "redis")).toEqual([]);
  });
});
