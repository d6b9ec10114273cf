import { z } from "zod";
import type { KeyPolicyOptions } from "../../keys/policy.js";
import { parseOptions } from "../../options/parse-options.js";
import { ParsedKeyCache } from "../parsed-key-cache.js";
import type { ChangeFeed, ReplayStore, SettingsStore, SshKeyStore } from "../ports.js";
import { MemoryAuthorities } from "./authorities.js";
import { MemoryDirectory } from "./directory.js";
import { MemoryEventLog, MemoryEventSink } from "./event-log.js";
import { MemoryJwksEndpoints } from "./jwks-endpoints.js";
import { MemoryKeySources } from "./key-sources.js";
import { MemoryKeyStore } from "./key-store.js";
import { MemoryKeyUsageLog } from "./key-usage.js";
import { MemoryAuditLog } from "./audit-log.js";
import { MemoryNotifications } from "./notifications.js";
import { MemoryKeyLimits } from "./key-limits.js";
import { MemorySessionStore } from "./sessions.js";
import { MemoryTables } from "./tables.js";
import { KeyPolicyReader } from "../../policy/setting.js";

export interface MemoryStoreOptions {
  /** RSA keys up to this many bits are stored and used (default 8192). */
  keyPolicy?: KeyPolicyOptions | undefined;
  /** Keys one user may hold (default 50). */
  maxKeysPerUser?: number | undefined;
  /** Milliseconds since the epoch: stamps rows, expires replay values. */
  now?: (() => number) | undefined;
}

const memoryStoreOptionsSchema = z.strictObject({
  keyPolicy: z.strictObject({ rsaMaxBits: z.number().optional() }).optional(),
  maxKeysPerUser: z.number().optional(),
  now: z.custom<() => number>((value) => typeof value === "function", { message: "expected a function" }).optional(),
});

/** Replay values with their expiry; a value is free again once its window has closed. */
class MemoryReplayStore implements ReplayStore {
  private readonly used = new Map<string, number>();
  constructor(private readonly now: () => number) {}

  async consume(scope: string, value: string, expiresAt: Date): Promise<boolean> {
    const id = `${scope}\u0000${value}`;
    const now = this.now();
    const until = this.used.get(id);
    if (until !== undefined && until > now) return false;
    this.used.set(id, expiresAt.getTime());
    if (this.used.size % 1024 === 0) for (const [key, at] of this.used) if (at <= now) this.used.delete(key);
    return true;
  }
}

/** One process, so a change reaches every subscriber at once. */
class MemoryChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<() => void>();

  async publish(): Promise<void> {
    for (const listener of this.listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

class MemorySettingsStore implements SettingsStore {
  constructor(private readonly values: Map<string, string>) {}

  async loadOrCreate(key: string, create: () => string): Promise<string> {
    let value = this.values.get(key);
    if (value === undefined) this.values.set(key, (value = create()));
    return value;
  }

  async read(key: string): Promise<string | null> {
    return this.values.get(key) ?? null;
  }

  async write(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
}

/**
 * Every port in memory, for tests and single-process demos: nothing survives the process,
 * nothing is shared with another. Same rules and answers as the Prisma store (username
 * lookalikes, key-count limit, atomic replay, cursor pages).
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): SshKeyStore {
  const checked = parseOptions(memoryStoreOptionsSchema, options, "createMemoryStore");
  const now = checked.now ?? Date.now;
  const tables = new MemoryTables(now);
  const directory = new MemoryDirectory(tables, { keyPolicy: checked.keyPolicy as KeyPolicyOptions | undefined, maxKeysPerUser: checked.maxKeysPerUser });
  const changes = new MemoryChangeFeed();
  directory.onChange(() => void changes.publish());
  const settings = new MemorySettingsStore(tables.settings);
  directory.usePolicy(new KeyPolicyReader(settings, changes), now);
  const events = new MemoryEventSink(tables);
  return {
    keys: new MemoryKeyStore(tables, new ParsedKeyCache(undefined, directory.keyPolicy)),
    replay: new MemoryReplayStore(now),
    events,
    directory,
    sessions: new MemorySessionStore(tables),
    settings,
    eventLog: new MemoryEventLog(tables),
    usage: new MemoryKeyUsageLog(tables),
    changes,
    authorities: new MemoryAuthorities(now, new ParsedKeyCache(undefined, directory.keyPolicy)),
    jwks: new MemoryJwksEndpoints(tables),
    keySources: new MemoryKeySources(tables),
    audit: new MemoryAuditLog(),
    notifications: new MemoryNotifications(now),
    limits: new MemoryKeyLimits(tables, now),
    ready: async () => ({ ready: true, events: { queuedEvents: 0, dropped: { failures: 0, successes: 0 }, failedWrites: 0 } }),
    close: () => changes.close(),
  };
}
