// The migrations folders and schema.prisma must describe the same database: a database
// migrated by our runner must have exactly the catalog that the schema engine would
// create from schema.prisma. Adding a model without a migration fails here.
import { execFileSync } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDatabase, readMigrations } from "../../../strategy/store/prisma/migrate.js";
import { createTestDatabase, databaseKinds, type DatabaseKind, type TestDatabase } from "../../support/databases.js";

const root = path.resolve(import.meta.dirname, "../../..");

/** The DDL Prisma's schema engine derives from schema.prisma (run in its own process: one wasm engine per process). */
function schemaSql(kind: DatabaseKind): string {
  return execFileSync(process.execPath, ["--import", "tsx", path.join(root, "prisma/tools/migration.ts"), "sql", kind], {
    encoding: "utf8",
    cwd: root,
  });
}

async function catalog(db: TestDatabase): Promise<string[]> {
  if (db.kind === "sqlite") {
    const conn = new Database(db.url.slice("file:".length), { readonly: true });
    const rows = conn
      // Triggers are written by hand into migrations (the schema engine knows none); "append-only" below tests them.
      .prepare(
        `SELECT type, name, sql FROM sqlite_master WHERE type <> 'trigger' AND name NOT LIKE '_prisma_migrations%' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      )
      .all() as { type: string; name: string; sql: string | null }[];
    conn.close();
    // SQLite keeps an ALTER TABLE's column text verbatim, so spacing around commas and brackets differs from a CREATE.
    return rows.map((r) => `${r.type} ${r.name}: ${(r.sql ?? "").replace(/\s+/g, " ").replace(/ ?([,()]) ?/g, "$1")}`);
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const columns = await client.query(`SELECT table_name, column_name, data_type, is_nullable, column_default
    FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY 1, 2`);
  const indexes = await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1`);
  const constraints = await client.query(`SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
    WHERE connamespace = 'public'::regnamespace AND conname NOT LIKE '_prisma_migrations%' ORDER BY 1`);
  await client.end();
  return [
    ...columns.rows.map((r) => `column ${r.table_name}.${r.column_name} ${r.data_type} ${r.is_nullable} ${r.column_default}`),
    ...indexes.rows.map((r) => `index ${r.indexname}: ${r.indexdef}`),
    ...constraints.rows.map((r) => `constraint ${r.conname}: ${r.def}`),
  ];
}

async function execute(db: TestDatabase, sql: string) {
  if (db.kind === "sqlite") {
    const conn = new Database(db.url.slice("file:".length));
    try {
      conn.exec(sql);
    } finally {
      conn.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe.each(databaseKinds)("migrations on %s", (kind) => {
  const dbs: TestDatabase[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it("apply in order, once, and record Prisma-compatible rows", async () => {
    const db = await createTestDatabase(kind);
    dbs.push(db);
    const first = await migrateDatabase(db.url);
    expect(first.applied).toEqual(readMigrations(kind).map((m) => m.name));
    expect((await migrateDatabase(db.url)).applied).toEqual([]);
    const concurrently = await Promise.all([migrateDatabase(db.url), migrateDatabase(db.url)]);
    expect(concurrently.flatMap((r) => r.applied)).toEqual([]);
  });

  it("match schema.prisma exactly (drift check)", async () => {
    const migrated = await createTestDatabase(kind);
    const fromSchema = await createTestDatabase(kind);
    dbs.push(migrated, fromSchema);
    await migrateDatabase(migrated.url);
    await execute(fromSchema, schemaSql(kind));
    expect(await catalog(migrated)).toEqual(await catalog(fromSchema));
  }, 60_000);

  it("carry revoked serials over as ranges of one (krl_revocations)", async () => {
    const db = await createTestDatabase(kind);
    dbs.push(db);
    const migrations = readMigrations(kind);
    const krl = migrations.findIndex((m) => m.name.endsWith("_krl_revocations"));
    for (const m of migrations.slice(0, krl)) await execute(db, m.sql);
    await execute(
      db,
      `INSERT INTO "CertificateAuthority" ("id", "name", "type", "openssh", "fingerprintSha256") VALUES ('ca', 'corp', 'ssh-ed25519', 'x', 'SHA256:x');
       INSERT INTO "CertificateRevocation" ("id", "caId", "serial") VALUES ('a', 'ca', '7'), ('b', 'ca', '18446744073709551615');
       INSERT INTO "CertificateRevocation" ("id", "caId", "keyId") VALUES ('c', 'ca', 'alice');`,
    );
    await execute(db, migrations[krl]!.sql);
    const sql = `SELECT "id", "serialFrom", "serialTo", "keyId" FROM "CertificateRevocation" ORDER BY "id"`;
    let rows: unknown[];
    if (db.kind === "sqlite") {
      const conn = new Database(db.url.slice("file:".length), { readonly: true });
      rows = conn.prepare(sql).all();
      conn.close();
    } else {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      rows = (await client.query(sql)).rows;
      await client.end();
    }
    expect(rows).toEqual([
      { id: "a", serialFrom: "00000000000000000007", serialTo: "00000000000000000007", keyId: null },
      { id: "b", serialFrom: "18446744073709551615", serialTo: "18446744073709551615", keyId: null },
      { id: "c", serialFrom: null, serialTo: null, keyId: "alice" },
    ]);
  });

  it("keep the audit log append-only: the database refuses to change or delete an entry", async () => {
    const db = await createTestDatabase(kind);
    dbs.push(db);
    await migrateDatabase(db.url);
    await execute(db, `INSERT INTO "AuditEntry" ("actorType", "actorName", "action", "targetType") VALUES ('cli', 'root', 'user.created', 'user')`);
    await expect(execute(db, `UPDATE "AuditEntry" SET "actorName" = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(execute(db, `DELETE FROM "AuditEntry"`)).rejects.toThrow(/append-only/);
    if (kind === "postgresql") await expect(execute(db, `TRUNCATE "AuditEntry"`)).rejects.toThrow(/append-only/);
  });

  it("refuse to start over a migration that failed earlier", async () => {
    const db = await createTestDatabase(kind);
    dbs.push(db);
    await migrateDatabase(db.url);
    await execute(db, `UPDATE "_prisma_migrations" SET finished_at = NULL`);
    await expect(migrateDatabase(db.url)).rejects.toThrow(/failed earlier/);
  });
});
