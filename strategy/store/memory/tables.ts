import { usageOf } from "../key-usage.js";
import type { AuthEventRecord, JwksEndpointRecord, KeyRecord, KeySourceRecord, KeyUsageTotals, NewConsoleSession, UserRecord } from "../ports.js";

export interface UserRow extends UserRecord {
  updatedAt: Date;
}

export type KeyRow = Omit<KeyRecord, "username"> & { crtauthFingerprint: string | null };

export interface EventRow extends AuthEventRecord {
  id: number;
}

export interface LinkRow {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/**
 * The in-memory adapter's rows, one Map per table of the SQL schema, with the same
 * cascades: deleting a user deletes their keys, sessions, links, JWKS endpoints and key sources; deleting
 * a key its daily usage; events lose the link; deleting a key source leaves its keys without one.
 */
export class MemoryTables {
  readonly users = new Map<string, UserRow>();
  readonly keys = new Map<string, KeyRow>();
  readonly events: EventRow[] = [];
  readonly sessions = new Map<string, NewConsoleSession>();
  readonly links = new Map<string, LinkRow>();
  readonly settings = new Map<string, string>();
  readonly jwksEndpoints = new Map<string, JwksEndpointRecord>();
  /** KeyUsageDay: by key, then by day (YYYY-MM-DD). */
  readonly usage = new Map<string, Map<string, KeyUsageTotals>>();
  readonly keySources = new Map<string, KeySourceRecord>();
  private nextEventId = 1;

  constructor(readonly now: () => number) {}

  userNamed(username: string): UserRow | undefined {
    for (const user of this.users.values()) if (user.username === username) return user;
    return undefined;
  }

  keyRecord(row: KeyRow): KeyRecord {
    const { crtauthFingerprint: _ignored, ...rest } = row;
    return { ...rest, username: this.users.get(row.userId)!.username };
  }

  insertEvent(event: AuthEventRecord): void {
    // A user or key deleted before the event arrived: keep the event, drop the link (as the SQL writers do).
    const userId = event.userId !== null && this.users.has(event.userId) ? event.userId : null;
    const keyId = event.keyId !== null && this.keys.has(event.keyId) ? event.keyId : null;
    this.events.push({ ...event, userId, keyId, id: this.nextEventId++ });
    const use = usageOf({ ...event, keyId });
    if (use === null) return;
    let days = this.usage.get(use.keyId);
    if (!days) this.usage.set(use.keyId, (days = new Map()));
    const counts = days.get(use.day) ?? { successes: 0, failures: 0 };
    if (use.success) counts.successes++;
    else counts.failures++;
    days.set(use.day, counts);
  }

  deleteKey(id: string): void {
    this.keys.delete(id);
    this.usage.delete(id);
    for (const event of this.events) if (event.keyId === id) event.keyId = null;
  }

  deleteKeySource(id: string): void {
    this.keySources.delete(id);
    for (const key of this.keys.values()) if (key.sourceId === id) key.sourceId = null;
  }

  deleteUser(id: string): void {
    for (const key of [...this.keys.values()]) if (key.userId === id) this.deleteKey(key.id);
    for (const [sid, session] of this.sessions) if (session.userId === id) this.sessions.delete(sid);
    for (const [lid, link] of this.links) if (link.userId === id) this.links.delete(lid);
    for (const [eid, endpoint] of this.jwksEndpoints) if (endpoint.userId === id) this.jwksEndpoints.delete(eid);
    for (const [sid, source] of this.keySources) if (source.userId === id) this.keySources.delete(sid);
    for (const event of this.events) if (event.userId === id) event.userId = null;
    this.users.delete(id);
  }
}
