import type { EventSink, KeyStore, ReplayStore } from "../ports.js";
import { PrismaActivityRecorder, type ActivityRecorderOptions } from "./activity-recorder.js";
import { connectDatabase, type Database } from "./client.js";
import { PrismaDirectory } from "./directory.js";
import { PrismaKeyStore } from "./key-store.js";
import { migrateDatabase } from "./migrate.js";
import { PrismaReplayStore } from "./replay-store.js";

/** Everything the strategy, the CLI and the admin API need from one database. */
export interface PrismaStore {
  database: Database;
  keys: KeyStore;
  replay: ReplayStore;
  events: EventSink;
  directory: PrismaDirectory;
  /** Flushes buffered activity and disconnects. */
  close(): Promise<void>;
}

export interface PrismaStoreOptions {
  /** DATABASE_URL form; default: DATABASE_URL, else ./data/passport-sshkey.db. */
  url?: string;
  /** Apply pending migrations before first use (default true). */
  migrate?: boolean;
  activity?: ActivityRecorderOptions;
  now?: () => number;
}

/** Opens (and by default migrates) the database and wires the Prisma adapters. */
export async function openPrismaStore(options: PrismaStoreOptions = {}): Promise<PrismaStore> {
  if (options.migrate ?? true) await migrateDatabase(options.url);
  const database = connectDatabase(options.url);
  const { prisma } = database;
  if (database.provider === "sqlite") {
    // WAL is set by the migrator and persists; these are per connection. NORMAL keeps
    // WAL crash-safe for the database and makes the replay insert ~5× cheaper.
    await prisma.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
    await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  }
  const events = new PrismaActivityRecorder(prisma, { now: options.now, ...options.activity });
  return {
    database,
    keys: new PrismaKeyStore(prisma),
    replay: new PrismaReplayStore(prisma, { now: options.now }),
    events,
    directory: new PrismaDirectory(prisma),
    async close() {
      await events.close();
      await database.close();
    },
  };
}
