import { CachedKeyStore } from "../cache/cached-key-store.js";
import type { ReplayStore, SshKeyStore } from "../ports.js";
import { GenerationFeed } from "../sql/generation-feed.js";
import { postgresGenerationRow, postgresSettingWriter, sqliteGenerationRow, sqliteSettingWriter } from "../sql/generation-rows.js";
import type { GenerationRow } from "../sql/generation-feed.js";
import { SqliteReplayStore } from "../sql/sqlite-replay-store.js";
import { ActivityRecorder, type ActivityWriter } from "../activity-recorder.js";
import { EventRetention } from "../event-retention.js";
import { checkReadiness } from "../readiness.js";
import { GuardedKeyStore } from "../guarded-key-store.js";
import { sqliteFileIdentity } from "../sql/sqlite-file-identity.js";
import { storeFaultOf, StoreUnavailableError } from "../unavailable.js";
import { ParsedKeyCache } from "../parsed-key-cache.js";
import { parseOptions } from "../../options/parse-options.js";

import { postgresActivityWriter, sqliteActivityWriter } from "../sql/activity-writers.js";
import { ensureDatabaseDirectory, locateDatabase, type DatabaseLocation } from "./database-url.js";
import { connectDatabase, postgresPoolTimeouts, type Database as PrismaDatabase } from "./client.js";
import { lazyPrisma } from "./lazy-client.js";
import { defaultRsaMaxBits } from "../../keys/policy.js";
import { integerSetting } from "../../integer-setting.js";
import { defaultMaxKeysPerUser } from "../directory/rules.js";
import { PrismaAuthorities } from "./authorities.js";
import { PrismaJwksEndpoints } from "./jwks-endpoints.js";
import { PrismaKeySources } from "./key-sources.js";
import { PrismaDirectory } from "./directory.js";
import { PrismaEventLog } from "./event-log.js";
import { PrismaKeyUsageLog } from "./key-usage.js";
import { PrismaAuditLog } from "./audit-log.js";
import { PrismaNotifications } from "./notifications.js";
import { migrateDatabase } from "./migrate.js";
import { PrismaSessionStore } from "./sessions.js";
import { prismaStoreOptionsSchema, type PrismaStoreOptions } from "./store-options.js";
import { KeyPolicyReader } from "../../policy/setting.js";
import { postgresDriver, sqliteDriver, type SqlDriver } from "../sql/driver.js";
import { SqlKeyStore } from "../sql/key-store.js";
import { SqlKeyLimits, SqlRateWindows, type RateWindowCounter } from "../sql/key-limits.js";
import { SqlSettingsStore } from "../sql/settings-store.js";

export type { PrismaStoreOptions } from "./store-options.js";

/** Every port over one SQLite or PostgreSQL database, and the Prisma client behind them. */
export interface PrismaStore extends SshKeyStore {
  database: PrismaDatabase;
  directory: PrismaDirectory;
}

interface HotPath {
  /** The same connection for the ports on the authentication path (key lookups, settings, limits). */
  sql: SqlDriver;
  writeSetting(key: string, value: string): Promise<void>;
  /** Throws when the SQLite file opened is no longer the one at its path (deleted, replaced). */
  assertSameFile(): void;
  replay: ReplayStore;
  activity: ActivityWriter;
  changes: GenerationFeed;
  /** Per-key rate windows on Redis when the store has one (else in the database). */
  rateWindows: RateWindowCounter | null;
  /** Writes one Setting row; throws when the database cannot take a write now. */
  probeWrite(): Promise<void>;
  close(): Promise<void>;
}

const probeKey = "passport-sshkey.readiness-probe";
const redisCommandTimeoutMs = 2000;

/**
 * The replay insert and the change feed run on driver connections of their own:
 * they are on every request (or every 250 ms), where Prisma's per-query overhead
 * (query compiler and adapter) would cost more than the statement itself. The key
 * lookups, settings and limits share them, so authenticating never loads Prisma.
 */
async function openHotPath(database: DatabaseLocation, options: PrismaStoreOptions): Promise<HotPath> {
  const pollMs = options.changePollMs ?? 250;
  const closers: (() => Promise<void> | void)[] = [];
  let replay: ReplayStore;
  let activity: ActivityWriter;
  let row: GenerationRow;
  let probeWrite: () => Promise<void>;
  let sql: SqlDriver;
  let writeSetting: (key: string, value: string) => Promise<void>;
  let assertSameFile = () => {};
  let listen: ((onNotify: () => void) => void) | null = null;
  let rateWindows: RateWindowCounter | null = null;
  // Each driver is loaded only for the database in use (and ioredis only with a Redis URL).
  if (database.provider === "sqlite") {
    const { default: Database } = await import("better-sqlite3");
    const file = database.url.slice("file:".length);
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    // Synchronous: a lock held by another process blocks the event loop for this long, then the
    // request fails with 503 (SQLITE_BUSY) and background writes retry later.
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.timeouts?.sqliteBusyTimeoutMs ?? 100))}`);
    db.pragma("foreign_keys = ON");
    closers.push(() => void db.close());
    activity = sqliteActivityWriter(db);
    replay = new SqliteReplayStore(db, options.now);
    const identity = file === ":memory:" ? { assertSame() {} } : sqliteFileIdentity(file);
    const sqliteRow = sqliteGenerationRow(db);
    // Every poll also checks that the file is still the one opened.
    row = { read: async () => (identity.assertSame(), sqliteRow.read()), write: sqliteRow.write };
    const probe = sqliteSettingWriter(db);
    probeWrite = async () => (identity.assertSame(), probe(probeKey, new Date().toISOString()));
    sql = sqliteDriver(db);
    writeSetting = probe;
    assertSameFile = () => identity.assertSame();
  } else {
    // The PostgreSQL replay store is imported with its driver: a SQLite server does not hold it (start memory).
    const [{ default: pg }, { listenForChanges }, { PostgresReplayStore }] = await Promise.all([
      import("pg"),
      import("../sql/postgres-listener.js"),
      import("../sql/postgres-replay-store.js"),
    ]);
    const pool = new pg.Pool({ connectionString: database.url, max: 10, ...postgresPoolTimeouts(options.timeouts) });
    // An idle client dropped by the server (restart, failover) is discarded by the pool;
    // without a listener its error event would crash the process.
    pool.on("error", () => {});
    closers.push(() => pool.end());
    activity = postgresActivityWriter(pool);
    replay = new PostgresReplayStore(pool, options.now);
    row = postgresGenerationRow(pool);
    const probe = postgresSettingWriter(pool);
    probeWrite = () => probe(probeKey, new Date().toISOString());
    sql = postgresDriver(pool);
    writeSetting = probe;
    listen = (onNotify) => {
      const listener = listenForChanges(database.url, onNotify, postgresPoolTimeouts(options.timeouts));
      closers.unshift(() => listener.close());
    };
  }
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  if (redisUrl) {
    const [{ Redis }, { redisChangeWakeups }, { RedisRateWindows }, { RedisReplayStore }] = await Promise.all([
      import("ioredis"),
      import("../redis/change-wakeups.js"),
      import("../redis/rate-windows.js"),
      import("../redis/replay-store.js"),
    ]);
    // commandTimeout: a stalled Redis (connection up, no answers) fails the request with 503
    // instead of holding it until the network recovers.
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: redisCommandTimeoutMs });
    redis.on("error", () => {});
    closers.unshift(() => void redis.disconnect());
    replay = new RedisReplayStore(redis);
    rateWindows = new RedisRateWindows(redis);
    const wakeups = redisChangeWakeups(redisUrl, () => void changes.poll());
    closers.unshift(() => wakeups.close());
    const databaseRow = row;
    row = { read: databaseRow.read, write: async (value) => (await databaseRow.write(value), await wakeups.publish()) };
    const databaseProbe = probeWrite;
    probeWrite = async () => {
      await databaseProbe();
      await redis.ping();
    };
  }
  const changes = new GenerationFeed(row, pollMs, { pollTimeoutMs: options.changePollTimeoutMs, maxStalenessMs: options.maxStalenessMs });
  listen?.(() => void changes.poll());
  return {
    sql,
    writeSetting,
    assertSameFile,
    replay,
    activity,
    changes,
    rateWindows,
    probeWrite,
    async close() {
      await changes.close();
      for (const close of closers) await settleWithin(Promise.resolve().then(close), closeTimeoutMs);
    },
  };
}

/**
 * Disconnecting waits for the server's goodbye, which a stalled network never delivers: past
 * this, the connection is left to the process's exit rather than holding up shutdown.
 */
const closeTimeoutMs = 2000;

async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Opens (and by default migrates) the database and wires the adapters. */
export async function openPrismaStore(given: PrismaStoreOptions = {}): Promise<PrismaStore> {
  const options = parseOptions(prismaStoreOptionsSchema, given, "openPrismaStore") as PrismaStoreOptions;
  const directoryOptions = {
    keyPolicy: {
      rsaMaxBits:
        options.keyPolicy?.rsaMaxBits ?? integerSetting("RSA_MAX_BITS", { default: defaultRsaMaxBits, min: 2048, what: "an RSA size in bits, 2048 to 16384" }),
    },
    maxKeysPerUser: options.maxKeysPerUser ?? integerSetting("MAX_KEYS_PER_USER", { default: defaultMaxKeysPerUser, min: 1, what: "a positive integer" }),
  };
  PrismaDirectory.checkOptions(directoryOptions);
  // Built first: a bad EVENT_RETENTION_DAYS fails before any connection is opened.
  let hot: HotPath | undefined;
  // On the store's clock, the one events are stamped with.
  const retention = new EventRetention(
    (before, limit) => hot!.activity.pruneEvents(before, limit),
    { now: options.now, ...options.eventRetention },
    (beforeDay) => hot!.activity.pruneKeyUsage(beforeDay),
  );
  const location = locateDatabase(options.url);
  try {
    if (options.migrate ?? true) await migrateDatabase(options.url);
    ensureDatabaseDirectory(location);
    hot = await openHotPath(location, options);
  } catch (error) {
    // "unable to open database file" alone does not say which: name it, in one line.
    if (location.file && storeFaultOf(error)) {
      throw new StoreUnavailableError(`cannot open the SQLite database ${location.file}: ${error instanceof Error ? error.message : String(error)}`, 1, {
        cause: error,
      });
    }
    throw error;
  }
  const lazy = lazyPrisma(async () => {
    // Loaded after the file was deleted, the client would create an empty one at its path, which
    // the hot path then reports as replaced: the file must be the one opened, and must exist.
    hot.assertSameFile();
    const { prisma } = await connectDatabase(options.url, options.timeouts, { fileMustExist: true });
    if (location.provider === "sqlite") {
      try {
        // WAL is set by the migrator and persists; these are per connection.
        await prisma.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
        await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
      } catch (error) {
        // The next query loads a fresh client; this one's connection is not left open.
        await prisma.$disconnect().catch(() => {});
        throw error;
      }
    }
    return prisma;
  });
  const database: PrismaDatabase = { prisma: lazy.prisma, provider: location.provider, url: location.url, close: lazy.close };
  const { prisma } = database;
  const events = new ActivityRecorder(hot.activity, { now: options.now, ...options.activity });
  retention.start();
  const directory = new PrismaDirectory(prisma, directoryOptions, database.provider);
  directory.onChange(() => void hot.changes.publish().catch(() => {}));
  const settings = new SqlSettingsStore(hot.sql, hot.writeSetting);
  const policy = new KeyPolicyReader(settings, hot.changes);
  directory.usePolicy(policy, options.now ?? Date.now);
  const uncached = new SqlKeyStore(hot.sql, new ParsedKeyCache(undefined, directory.keyPolicy));
  const assertAvailable = () => hot.changes.assertFresh();
  const cache = options.keyCache?.enabled === false ? null : new CachedKeyStore(uncached, hot.changes, { assertAvailable, ...options.keyCache });
  return {
    database,
    keys: cache ?? new GuardedKeyStore(uncached, assertAvailable),
    replay: hot.replay,
    events,
    directory,
    sessions: new PrismaSessionStore(prisma),
    settings,
    eventLog: new PrismaEventLog(prisma, database.provider),
    usage: new PrismaKeyUsageLog(prisma),
    changes: hot.changes,
    authorities: new PrismaAuthorities(prisma, new ParsedKeyCache(undefined, directory.keyPolicy)),
    jwks: new PrismaJwksEndpoints(prisma),
    keySources: new PrismaKeySources(prisma),
    audit: new PrismaAuditLog(prisma, database.provider),
    notifications: new PrismaNotifications(prisma),
    limits: new SqlKeyLimits(
      hot.sql,
      hot.rateWindows ?? new SqlRateWindows(hot.sql, options.now ?? Date.now),
      () => void hot.changes.publish().catch(() => {}),
    ),
    ready: () => checkReadiness({ assertFresh: () => hot.changes.assertFresh(), probeWrite: hot.probeWrite, events, timeoutMs: hot.changes.pollTimeoutMs * 2 }),
    async close() {
      cache?.close();
      policy.close();
      await retention.stop();
      // Connections are closed even when the last flush fails; the flush's error is then reported.
      const flushed = events.close().then(
        () => null,
        (error: unknown) => error,
      );
      const failure = await flushed;
      await hot.close();
      await settleWithin(database.close(), closeTimeoutMs);
      if (failure !== null) {
        const { queuedEvents } = events.stats();
        throw new StoreUnavailableError(
          `${queuedEvents} buffered events could not be written: ${failure instanceof Error ? failure.message : String(failure)}`,
          1,
          { cause: failure },
        );
      }
    },
  };
}
