// A dedicated PostgreSQL database per size, filled server-side (INSERT … SELECT over
// generate_series, secondary indexes and the key→user foreign key dropped and re-created).
import crypto from "node:crypto";
import pg from "pg";
import { migrateDatabase } from "../../strategy/index.js";
import { fillerOpenssh, fillerUserCount, keysPerFillerUser } from "./filler.js";

export async function postgresAnswers(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

export interface PostgresBenchDatabase {
  url: string;
  users: number;
  drop(): Promise<void>;
}

export async function fillPostgres(adminUrl: string, fillerKeys: number): Promise<PostgresBenchDatabase> {
  const name = `pssk_bench_${crypto.randomBytes(4).toString("hex")}_${fillerKeys}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const drop = async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  };
  try {
    await migrateDatabase(url);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const indexes = (
        await db.query<{ indexname: string; indexdef: string }>(
          `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('User', 'PublicKey') AND indexname NOT LIKE '%\\_pkey'`,
        )
      ).rows;
      const fks = (
        await db.query<{ conname: string; def: string }>(
          `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '"PublicKey"'::regclass AND contype = 'f'`,
        )
      ).rows;
      for (const fk of fks) await db.query(`ALTER TABLE "PublicKey" DROP CONSTRAINT "${fk.conname}"`);
      for (const index of indexes) await db.query(`DROP INDEX "${index.indexname}"`);
      const users = fillerUserCount(fillerKeys);
      await db.query("SET synchronous_commit = off");
      await db.query(
        `INSERT INTO "User" ("id", "username", "isAdmin", "disabled", "createdAt", "updatedAt")
         SELECT 'fu-' || i, 'filler-' || i, false, false, now() - interval '1 day', now() - interval '1 day' FROM generate_series(0, $1::int - 1) AS i`,
        [users],
      );
      await db.query(
        `INSERT INTO "PublicKey" ("id", "userId", "type", "bits", "openssh", "fingerprintSha256", "fingerprintMd5", "kid", "comment", "createdAt", "useCount")
         SELECT 'fk-' || j, 'fu-' || (j / $3::int), 'ssh-ed25519', 256, $2,
                'SHA256:' || rtrim(encode(d, 'base64'), '='), encode(substring(d from 1 for 16), 'hex'), encode(d, 'hex'), '', now() - interval '1 day', 0
         FROM (SELECT j, sha256(convert_to('fill:' || j, 'UTF8')) AS d FROM generate_series(0, $1::int - 1) AS j) AS f`,
        [fillerKeys, fillerOpenssh, keysPerFillerUser],
      );
      for (const index of indexes) await db.query(index.indexdef);
      for (const fk of fks) await db.query(`ALTER TABLE "PublicKey" ADD CONSTRAINT "${fk.conname}" ${fk.def}`);
      await db.query(`ANALYZE "User"`);
      await db.query(`ANALYZE "PublicKey"`);
      return { url, users, drop };
    } finally {
      await db.end();
    }
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
}
