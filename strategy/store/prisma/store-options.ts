import { z } from "zod";
import type { ActivityRecorderOptions } from "../activity-recorder.js";
import type { KeyCacheOptions } from "../cache/cached-key-store.js";
import type { EventRetentionOptions } from "../event-retention.js";
import type { KeyPolicyOptions } from "../../keys/policy.js";
import type { ConnectionTimeouts } from "./client.js";

export interface PrismaStoreOptions {
  /** DATABASE_URL form; default: DATABASE_URL, else ./data/passport-sshkey.db. */
  url?: string | undefined;
  /** Apply pending migrations before first use (default true). */
  migrate?: boolean | undefined;
  activity?: ActivityRecorderOptions | undefined;
  /** How long authentication events are kept (default EVENT_RETENTION_DAYS, else 90 days). */
  eventRetention?: EventRetentionOptions | undefined;
  keyCache?: (KeyCacheOptions & { enabled?: boolean | undefined }) | undefined;
  /** How often other processes' changes are looked for, in ms (default 250). */
  changePollMs?: number | undefined;
  /** A change poll not answered within this counts as failed: key caches are dropped (default 1 s). */
  changePollTimeoutMs?: number | undefined;
  /**
   * With no successful poll for this long, key lookups refuse (503) instead of trusting the
   * cache or waiting on the database (default poll interval + poll timeout + 1 s).
   */
  maxStalenessMs?: number | undefined;
  /** Busy and connection timeouts (short defaults: a database that does not answer fails the request). */
  timeouts?: ConnectionTimeouts | undefined;
  /**
   * Redis for several instances (default REDIS_URL): replay state moves there (SET NX with
   * expiry) and change notices travel by pub/sub as well as through the database.
   */
  redisUrl?: string | undefined;
  /**
   * What keys may be stored and used: RSA up to `rsaMaxBits` (default RSA_MAX_BITS, else
   * 8192). Applied at upload and to stored rows at sign-in alike.
   */
  keyPolicy?: KeyPolicyOptions | undefined;
  /** Keys one user may hold (default MAX_KEYS_PER_USER, else 50). */
  maxKeysPerUser?: number | undefined;
  now?: (() => number) | undefined;
}

// Types and shapes only: each range is checked (with its own message) where the value is used.
const number = z.number().optional();
const callback = <T extends (...args: never[]) => unknown>() =>
  z.custom<T>((value) => typeof value === "function", { message: "expected a function" }).optional();

/**
 * Every key at every depth: a misspelt one (`keycache`, `timeouts.busyMs`) fails at once, named.
 * `satisfies` keeps the top-level keys and PrismaStoreOptions the same set.
 */
export const prismaStoreOptionsSchema = z.strictObject({
  url: z.string().optional(),
  migrate: z.boolean().optional(),
  activity: z
    .strictObject({
      lastUsedIntervalMs: number,
      flushEveryMs: number,
      maxBufferedEvents: number,
      maxQueuedEvents: number,
      maxRetryDelayMs: number,
      now: callback<() => number>(),
      onError: callback<(error: unknown) => void>(),
      onDrop: callback<NonNullable<ActivityRecorderOptions["onDrop"]>>(),
    })
    .optional(),
  eventRetention: z.strictObject({ days: number, everyMs: number, batchSize: number, now: callback<() => number>() }).optional(),
  keyCache: z
    .strictObject({
      enabled: z.boolean().optional(),
      maxAgeMs: number,
      capacity: number,
      negativeCapacity: number,
      negativeMaxBytes: number,
      assertAvailable: callback<() => void>(),
      now: callback<() => number>(),
    })
    .optional(),
  changePollMs: number,
  changePollTimeoutMs: number,
  maxStalenessMs: number,
  timeouts: z
    .strictObject({ sqliteBusyTimeoutMs: number, connectTimeoutMs: number, statementTimeoutMs: number, idleInTransactionTimeoutMs: number })
    .optional(),
  redisUrl: z.string().optional(),
  keyPolicy: z.strictObject({ rsaMaxBits: number }).optional(),
  maxKeysPerUser: number,
  now: callback<() => number>(),
} satisfies Record<keyof PrismaStoreOptions, z.ZodType>);
