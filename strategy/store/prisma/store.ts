import Database from "better-sqlite3";
import pg from "pg";
import { CachedKeyStore, type KeyCacheOptions } from "../cache/cached-key-store.js";
import type { ChangeFeed, EventSink, KeyStore, ReplayStore } from "../ports.js";
import { GenerationFeed } from "../sql/generation-feed.js";
import { postgresGenerationRow, sqliteGenerationRow } from "../sql/generation-rows.js";
import { listenForChanges } from "../sql/postgres-listener.js";
import { PostgresReplayStore } from "../sql/postgres-replay-store.js";
import { SqliteReplayStore } from "../sql/sqlite-replay-store.js";
import { PrismaActivityRecorder, type ActivityRecorderOptions } from "./activity-recorder.js";
import { connectDatabase, type Database as PrismaDatabase } from "./client.js";
import { PrismaDirectory } from "./directory.js";
import { PrismaKeyStore } from "./key-store.js";
import { migrateDatabase } from "./migrate.js";

/** Everything the strategy, the CLI and the admin API need from one database. */
export interface PrismaStore {
  database: PrismaDatabase;
  keys: KeyStore;
  replay: ReplayStore;
  events: EventSink;
  directory: PrismaDirectory;
  changes: ChangeFeed;
  /** Flushes buffered activity and disconnects. */
  close(): Promise<void>;
}

export interface PrismaStoreOptions {
  /** DATABASE_URL form; default: DATABASE_URL, else ./data/passport-sshkey.db. */
  url?: string;
  /** Apply pending migrations before first use (default true). */
  migrate?: boolean;
  activity?: ActivityRecorderOptions;
  keyCache?: KeyCacheOptions & { enabled?: boolean };
  /** How often other processes' changes are looked for, in ms (default 250). */
  changePollMs?: number;
  now?: () => number;
}

interface HotPath {
  replay: ReplayStore;
  changes: GenerationFeed;
  close(): Promise<void>;
}

/**
 * The replay insert and the change feed run on driver connections of their own:
 * they are on every request (or every 250 ms), where Prisma's per-query overhead
 * (~0.3 ms) would cost more than the statement itself.
 */
function openHotPath(database: PrismaDatabase, options: PrismaStoreOptions): HotPath {
  const pollMs = options.changePollMs ?? 250;
  if (database.provider === "sqlite") {
    const db = new Database(database.url.slice("file:".length));
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 10000");
    const changes = new GenerationFeed(sqliteGenerationRow(db), pollMs);
    return {
      replay: new SqliteReplayStore(db, options.now),
      changes,
      async close() {
        await changes.close();
        db.close();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  const changes = new GenerationFeed(postgresGenerationRow(pool), pollMs);
  const listener = listenForChanges(database.url, () => void changes.poll());
  return {
    replay: new PostgresReplayStore(pool, options.now),
    changes,
    async close() {
      await changes.close();
      await listener.close();
      await pool.end();
    },
  };
}

/** Opens (and by default migrates) the database and wires the adapters. */
export async function openPrismaStore(options: PrismaStoreOptions = {}): Promise<PrismaStore> {
  if (options.migrate ?? true) await migrateDatabase(options.url);
  const database = await connectDatabase(options.url);
  const { prisma } = database;
  if (database.provider === "sqlite") {
    // WAL is set by the migrator and persists; these are per connection.
    await prisma.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
    await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  }
  const hot = openHotPath(database, options);
  const events = new PrismaActivityRecorder(prisma, { now: options.now, ...options.activity });
  const directory = new PrismaDirectory(prisma);
  directory.onChange(() => void hot.changes.publish().catch(() => {}));
  const uncached = new PrismaKeyStore(prisma);
  const cache = options.keyCache?.enabled === false ? null : new CachedKeyStore(uncached, hot.changes, options.keyCache);
  return {
    database,
    keys: cache ?? uncached,
    replay: hot.replay,
    events,
    directory,
    changes: hot.changes,
    async close() {
      cache?.close();
      await events.close();
      await hot.close();
      await database.close();
    },
  };
}
