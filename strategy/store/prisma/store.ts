import Database from "better-sqlite3";
import { Redis } from "ioredis";
import pg from "pg";
import { CachedKeyStore, type KeyCacheOptions } from "../cache/cached-key-store.js";
import type { ChangeFeed, EventSink, KeyStore, ReplayStore } from "../ports.js";
import { GenerationFeed } from "../sql/generation-feed.js";
import { postgresGenerationRow, sqliteGenerationRow } from "../sql/generation-rows.js";
import { listenForChanges } from "../sql/postgres-listener.js";
import { PostgresReplayStore } from "../sql/postgres-replay-store.js";
import { redisChangeWakeups } from "../redis/change-wakeups.js";
import { RedisReplayStore } from "../redis/replay-store.js";
import type { GenerationRow } from "../sql/generation-feed.js";
import { SqliteReplayStore } from "../sql/sqlite-replay-store.js";
import { ActivityRecorder, type ActivityRecorderOptions, type ActivityWriter } from "../activity-recorder.js";
import { postgresActivityWriter, sqliteActivityWriter } from "../sql/activity-writers.js";
import { connectDatabase, type Database as PrismaDatabase } from "./client.js";
import type { KeyPolicyOptions } from "../../keys/policy.js";
import { PrismaDirectory } from "./directory.js";
import { ParsedKeyCache, PrismaKeyStore } from "./key-store.js";
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
  /**
   * Redis for several instances (default REDIS_URL): replay state moves there (SET NX with
   * expiry) and change notices travel by pub/sub as well as through the database.
   */
  redisUrl?: string;
  /**
   * What keys may be stored and used: RSA up to `rsaMaxBits` (default RSA_MAX_BITS, else
   * 8192). Applied at upload and to stored rows at sign-in alike.
   */
  keyPolicy?: KeyPolicyOptions;
  /** Keys one user may hold (default MAX_KEYS_PER_USER, else 50). */
  maxKeysPerUser?: number;
  now?: () => number;
}

function numberFromEnv(name: string): number | undefined {
  const text = process.env[name];
  return text === undefined || text === "" ? undefined : Number(text);
}

interface HotPath {
  replay: ReplayStore;
  activity: ActivityWriter;
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
  const closers: (() => Promise<void> | void)[] = [];
  let replay: ReplayStore;
  let activity: ActivityWriter;
  let row: GenerationRow;
  let listen: ((onNotify: () => void) => void) | null = null;
  if (database.provider === "sqlite") {
    const db = new Database(database.url.slice("file:".length));
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 10000");
    db.pragma("foreign_keys = ON");
    closers.push(() => void db.close());
    activity = sqliteActivityWriter(db);
    replay = new SqliteReplayStore(db, options.now);
    row = sqliteGenerationRow(db);
  } else {
    const pool = new pg.Pool({ connectionString: database.url, max: 10 });
    // An idle client dropped by the server (restart, failover) is discarded by the pool;
    // without a listener its error event would crash the process.
    pool.on("error", () => {});
    closers.push(() => pool.end());
    activity = postgresActivityWriter(pool);
    replay = new PostgresReplayStore(pool, options.now);
    row = postgresGenerationRow(pool);
    listen = (onNotify) => {
      const listener = listenForChanges(database.url, onNotify);
      closers.unshift(() => listener.close());
    };
  }
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  if (redisUrl) {
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    redis.on("error", () => {});
    closers.unshift(() => void redis.disconnect());
    replay = new RedisReplayStore(redis);
    const wakeups = redisChangeWakeups(redisUrl, () => void changes.poll());
    closers.unshift(() => wakeups.close());
    const databaseRow = row;
    row = { read: databaseRow.read, write: async (value) => (await databaseRow.write(value), await wakeups.publish()) };
  }
  const changes = new GenerationFeed(row, pollMs);
  listen?.(() => void changes.poll());
  return {
    replay,
    activity,
    changes,
    async close() {
      await changes.close();
      for (const close of closers) await close();
    },
  };
}

/** Opens (and by default migrates) the database and wires the adapters. */
export async function openPrismaStore(options: PrismaStoreOptions = {}): Promise<PrismaStore> {
  const directoryOptions = {
    keyPolicy: { rsaMaxBits: options.keyPolicy?.rsaMaxBits ?? numberFromEnv("RSA_MAX_BITS") },
    maxKeysPerUser: options.maxKeysPerUser ?? numberFromEnv("MAX_KEYS_PER_USER"),
  };
  PrismaDirectory.checkOptions(directoryOptions);
  if (options.migrate ?? true) await migrateDatabase(options.url);
  const database = await connectDatabase(options.url);
  const { prisma } = database;
  if (database.provider === "sqlite") {
    // WAL is set by the migrator and persists; these are per connection.
    await prisma.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
    await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  }
  const hot = openHotPath(database, options);
  const events = new ActivityRecorder(hot.activity, { now: options.now, ...options.activity });
  const directory = new PrismaDirectory(prisma, directoryOptions);
  directory.onChange(() => void hot.changes.publish().catch(() => {}));
  const uncached = new PrismaKeyStore(prisma, new ParsedKeyCache(undefined, directory.keyPolicy));
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
