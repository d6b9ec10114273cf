// Issue 19: each CLI command loads only what it needs. The built CLI runs under loader hooks
// that log every module it resolves; the packages a lean path must not reach are absent.
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureLibraryBuilt } from "../support/build.js";
import { runCli } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { openPrismaStore } from "../../strategy/store/index.js";

const moduleLog = pathToFileURL(path.join(import.meta.dirname, "../support/module-log.mjs")).href;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-lean-"));
let cli: string;
let key: string;

/** The packages (node_modules/<name>) one run of the built CLI resolved, and its output. */
function packagesLoaded(
  args: string[],
  env: Record<string, string>,
): Promise<{ packages: Set<string>; own: number; ownModules: string[]; stdout: string; code: number }> {
  const log = path.join(dir, `modules-${Math.random().toString(36).slice(2)}.log`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", moduleLog, cli, ...args],
      { env: { ...process.env, CHECKPOINT_DISABLE: "1", MODULE_LOG: log, ...env } },
      (error, stdout) => {
        const urls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
        const packages = new Set(
          urls
            .filter((url) => url.includes("/node_modules/"))
            .map((url) => {
              const parts = url.split("/node_modules/").pop()!.split("/");
              return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
            }),
        );
        const ownModules = [...new Set(urls.filter((url) => url.includes("/dist/")).map((url) => url.split("/dist/").pop()!))];
        resolve({ packages, own: ownModules.length, ownModules, stdout, code: error ? ((error as { code?: number }).code ?? 1) : 0 });
      },
    );
  });
}

const heavy = ["sshpk", "zod", "@prisma/client", "express", "pg", "passport", "ldapts", "nodemailer", "jose"];

beforeAll(() => {
  cli = ensureLibraryBuilt();
  key = path.join(dir, "id_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("lean CLI processes", () => {
  it("token jwt --key loads no package, not even commander", async () => {
    const run = await packagesLoaded(["token", "jwt", "--key", key, "--user", "alice"], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^JWT [\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect([...run.packages]).toEqual([]);
    // The one-file program of bin/fast/ (and its chunks), none of the library's modules one by one.
    expect(run.ownModules.filter((module) => !module.startsWith("bin/"))).toEqual([]);
  });

  it("--help loads no command module", async () => {
    const run = await packagesLoaded(["--help"], {});
    expect(run.code).toBe(0);
    expect([...run.packages]).toEqual(["commander"]);
    expect(run.own).toBeLessThan(20);
  });

  it("an encrypted key still signs (through sshpk, loaded for it alone)", async () => {
    const encrypted = path.join(dir, "id_encrypted");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "pass phrase", "-f", encrypted]);
    const run = await packagesLoaded(["token", "jwt", "--key", encrypted, "--user", "alice"], { SSHKEY_PASSPHRASE: "pass phrase" });
    expect(run.code).toBe(0);
    expect(run.packages.has("sshpk")).toBe(true);
    expect(run.packages.has("zod")).toBe(false);
  });

  it("users list on a database that does not exist yet takes the store's path, which creates it", async () => {
    const file = path.join(dir, "fresh.db");
    const run = await packagesLoaded(["users", "list"], { DATABASE_URL: `file:${file}` });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("USERNAME  ADMIN  DISABLED  VERIFY  CREATED\n");
    expect(run.packages.has("@prisma/client")).toBe(true);
    expect(fs.existsSync(file)).toBe(true);
  });
});

describe.each(databaseKinds)("lean CLI processes on %s", (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const driver = kind === "sqlite" ? "better-sqlite3" : "pg";
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    env = { DATABASE_URL: db.url };
    expect((await runCli(["users", "add", "alice"], { env })).code).toBe(0);
    expect((await runCli(["keys", "add", "alice", `${key}.pub`], { env })).code).toBe(0);
  });
  afterAll(() => db.drop());

  it("users list on a migrated database: the driver and commander, not Prisma", async () => {
    const run = await packagesLoaded(["users", "list"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^USERNAME .*\nalice /);
    expect(run.packages.has(driver)).toBe(true);
    for (const name of heavy.filter((name) => name !== driver)) expect(run.packages, name).not.toContain(name);
    expect([...run.packages].some((name) => name.startsWith("@prisma/"))).toBe(false);
  });

  it("users list --json on a migrated database prints what the store's listing prints", async () => {
    await runCli(["users", "add", "bob", "--admin", "--email", "bob@example.com"], { env });
    const store = await openPrismaStore({ url: db.url });
    const expected = `${JSON.stringify(await store.directory.listUsers(), null, 2)}\n`;
    await store.close();
    const run = await packagesLoaded(["users", "list", "--json"], env);
    expect(run.packages.has("@prisma/client")).toBe(false);
    expect(run.stdout).toBe(expected);
  });

  it("authorized-keys: the driver alone, and of the key formats only the stored one", async () => {
    const run = await packagesLoaded(["authorized-keys", "alice"], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("ssh-ed25519 ");
    expect([...run.packages].filter((name) => name !== "pg-connection-string" && !name.startsWith("pg-"))).toEqual([driver]);
    expect(run.ownModules.filter((module) => !module.startsWith("bin/"))).toEqual([]);
    // Of the key text formats, only the stored one: no PEM, no RFC 4716 reader is in what it loaded.
    const loaded = run.ownModules.map((module) => fs.readFileSync(path.join(cli, "../..", module), "utf8")).join("\n");
    expect(loaded).toContain("An OpenSSH public key must be on a single line.");
    expect(loaded).not.toMatch(/SSH2 PUBLIC KEY|RSA PUBLIC KEY/);
  });
});
