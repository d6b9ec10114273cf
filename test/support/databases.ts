// The databases every store-backed test runs against: SQLite always, PostgreSQL when
// it answers (mandatory under CI=true). Each test file gets a database of its own.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";

export type DatabaseKind = "sqlite" | "postgresql";

export const postgresAdminUrl = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const postgresUp = await postgresAnswers();
if (!postgresUp && process.env.CI === "true") {
  throw new Error(`CI=true but PostgreSQL does not answer at ${postgresAdminUrl}; the PostgreSQL suite is mandatory in CI`);
}
if (!postgresUp) console.warn(`PostgreSQL not reachable at ${postgresAdminUrl}: running the SQLite suite only`);

export const databaseKinds: DatabaseKind[] = postgresUp ? ["sqlite", "postgresql"] : ["sqlite"];

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const name = `pssk_test_${crypto.randomBytes(6).toString("hex")}`;
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-"));
    return { kind, url: `file:${path.join(dir, `${name}.db`)}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: postgresAdminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
