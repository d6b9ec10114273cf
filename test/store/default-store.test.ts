// Drivers load only for the database in use: importing the package loads none of them, a
// SQLite store loads no PostgreSQL or Redis driver, a PostgreSQL store no SQLite one. And
// authenticating loads no Prisma client, nor the packages of features left unconfigured (issue 19).
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { openPrismaStore } from "../../strategy/store/index.js";
import { publicKeyFromKeyObject } from "../../strategy/keys/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-modules-"));

const families = {
  sqlite: /\/node_modules\/(better-sqlite3|@prisma\/adapter-better-sqlite3)\/|\/generated\/sqlite\//,
  postgresql: /\/node_modules\/(pg|pg-[a-z-]+|@prisma\/adapter-pg)\/|\/generated\/postgresql\//,
  redis: /\/node_modules\/(ioredis|@ioredis\/[^/]+)\//,
  prisma: /\/node_modules\/(@prisma\/[^/]+|\.prisma)\//,
  prismaClient: /\/node_modules\/(@prisma\/[^/]+|\.prisma)\/|\/generated\/(sqlite|postgresql)\//,
  unconfigured: /\/node_modules\/(nodemailer|ldapts|jose)\//,
  // The package's own code for features a server uses only once configured or called.
  unusedAtStart:
    /\/strategy\/(sources\/ldap\/(run|sync|directory-reader)|jwks\/remote-key-source|net\/guarded-get|notify\/(notifier|triggers\/[a-z-]+)|store\/redis\/|store\/sql\/postgres-)[^/]*\.ts$/,
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
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.REDIS_URL;
  delete childEnv.DATABASE_URL;
  Object.assign(childEnv, { MODULE_LOG: log }, env);
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

  it("a demo server started on a SQLite store loads no LDAP sync, JWKS fetcher, notifier, webhook sender or other database's code", async () => {
    const database = await createTestDatabase("sqlite");
    databases.push(database);
    const modules = await modulesLoadedBy(`
const store = await entry.openPrismaStore({ url: ${JSON.stringify(database.url)} });
const strategy = new entry.SshKeyStrategy({ store, crtauth: { secret: "0123456789abcdef0123456789abcdef" } });
const app = entry.createDemoApp({ strategy, log: () => {} });
const server = await new Promise((resolve) => { const s = app.listen(0, "127.0.0.1", () => resolve(s)); });
server.close();
await store.close();
`);
    expect(loaded(modules, "sqlite").length).toBeGreaterThan(0);
    expect(loaded(modules, "unusedAtStart")).toEqual([]);
    expect(loaded(modules, "unconfigured")).toEqual([]);
    expect(loaded(modules, "redis")).toEqual([]);
  });

  /** A database holding alice and one Ed25519 key of hers, and that key's private half (PEM). */
  async function databaseWithAlice(kind: DatabaseKind): Promise<{ url: string; pem: string }> {
    const database = await createTestDatabase(kind);
    databases.push(database);
    const { publicKey, privateKey } = freshKeyPair("ed25519");
    const store = await openPrismaStore({ url: database.url });
    try {
      await store.directory.addUser("alice");
      await store.directory.addKey("alice", publicKeyFromKeyObject(publicKey).openssh);
    } finally {
      await store.close();
    }
    return { url: database.url, pem: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
  }

  /**
   * The demo app with a strategy that opens the default store (DATABASE_URL) on its first
   * request, as an application does; alice signs in to /whoami, a stranger is refused.
   */
  const signInAsAlice = (pem: string) => `
const client = await import(${JSON.stringify(path.join(root, "strategy/client/index.ts"))});
const strategy = new entry.SshKeyStrategy();
const app = entry.createDemoApp({ strategy, log: () => {} });
const server = await new Promise((resolve) => { const s = app.listen(0, "127.0.0.1", () => resolve(s)); });
const base = "http://127.0.0.1:" + server.address().port;
const signer = await client.loadKeyFileSigner({ text: ${JSON.stringify(pem)} });
for (const [username, expected] of [["alice", 200], ["alice", 200], ["mallory", 401]]) {
  const response = await fetch(base + "/whoami", { headers: { authorization: await client.createJwtAuthorization({ signer, username }) } });
  const body = await response.json();
  if (response.status !== expected || (expected === 200 && body.username !== "alice")) throw new Error(username + ": " + response.status + " " + JSON.stringify(body));
}
server.close();
await strategy.close();
`;

  it.each(databaseKinds)("authenticating on the default %s store loads no Prisma client, other driver, mailer, LDAP or JOSE client", async (kind) => {
    const { url, pem } = await databaseWithAlice(kind);
    const modules = await modulesLoadedBy(signInAsAlice(pem), { DATABASE_URL: url });
    expect(loaded(modules, kind).length, kind).toBeGreaterThan(0);
    expect(loaded(modules, kind === "sqlite" ? "postgresql" : "sqlite")).toEqual([]);
    expect(loaded(modules, "redis")).toEqual([]);
    expect(loaded(modules, "prismaClient")).toEqual([]);
    expect(loaded(modules, "unconfigured")).toEqual([]);
  });

  it("the directory's first query loads the Prisma client (for the database in use only)", async () => {
    const { url, pem } = await databaseWithAlice("sqlite");
    const readDirectory = `const store = await strategy.store(); if ((await store.directory.lookupUser("alice"))?.username !== "alice") throw new Error("no alice");\n`;
    const body = signInAsAlice(pem).replace("server.close();", `${readDirectory}server.close();`);
    const modules = await modulesLoadedBy(body, { DATABASE_URL: url });
    expect(modules.some((m) => /\/generated\/sqlite\//.test(m))).toBe(true);
    expect(modules.some((m) => /\/generated\/postgresql\//.test(m))).toBe(false);
  });
});
