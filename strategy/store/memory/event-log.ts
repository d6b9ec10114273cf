import type { AuthEventEntry, AuthEventRecord, EventLog, EventPageQuery, EventSink, Page } from "../ports.js";
import type { EventRow, MemoryTables } from "./tables.js";

/**
 * Events written at once (nothing to batch in memory), with the key's last-used fields
 * updated on every success, so a test reads what it just caused without a flush.
 */
export class MemoryEventSink implements EventSink {
  constructor(private readonly tables: MemoryTables) {}

  record(event: AuthEventRecord): void {
    this.tables.insertEvent(event);
    const key = event.outcome === "success" && event.keyId !== null ? this.tables.keys.get(event.keyId) : undefined;
    if (key) {
      key.lastUsedAt = event.at;
      key.lastUsedIp = event.ip;
      key.lastUsedScheme = event.scheme;
      key.useCount += 1;
    }
  }

  async flush(): Promise<void> {}
}

/** Newest first by (at, id), the log's order and its cursor's. */
function newestEventFirst(a: EventRow, b: EventRow): number {
  return b.at.getTime() - a.at.getTime() || b.id - a.id;
}

/** A certificate attempt records its serial or key id even when its CA was not trusted (see the Prisma log's filter). */
function isCertificateAttempt(e: EventRow): boolean {
  return (e.certSerial ?? null) !== null || (e.certKeyId ?? null) !== null;
}

export class MemoryEventLog implements EventLog {
  constructor(private readonly tables: MemoryTables) {}

  async page(query: EventPageQuery): Promise<Page<AuthEventEntry>> {
    const user = query.username === undefined ? undefined : this.tables.userNamed(query.username);
    const matches = (e: EventRow) =>
      (query.username === undefined || (user !== undefined && e.userId === user.id) || (e.userId === null && e.username === query.username)) &&
      (query.userId === undefined || e.userId === query.userId) &&
      (query.certificates !== true || isCertificateAttempt(e)) &&
      (query.keyId === undefined || e.keyId === query.keyId) &&
      (query.scheme === undefined || e.scheme === query.scheme) &&
      (query.outcome === undefined || e.outcome === query.outcome) &&
      (query.from === undefined || e.at.getTime() >= query.from.getTime()) &&
      (query.to === undefined || e.at.getTime() < query.to.getTime()) &&
      (query.after === undefined || e.at.getTime() < query.after.at.getTime() || (e.at.getTime() === query.after.at.getTime() && e.id < query.after.id));
    const rows = this.tables.events.filter(matches).sort(newestEventFirst);
    const items = rows.slice(0, query.limit).map((e) => {
      const key = e.keyId === null ? undefined : this.tables.keys.get(e.keyId);
      return {
        ...e,
        keyFingerprint: key?.fingerprintSha256 ?? null,
        keyComment: key?.comment ?? null,
        caId: e.caId ?? null,
        certSerial: e.certSerial ?? null,
        certKeyId: e.certKeyId ?? null,
        certPrincipal: e.certPrincipal ?? null,
        jwksUrl: e.jwksUrl ?? null,
        jwksKid: e.jwksKid ?? null,
      };
    });
    return { items, more: rows.length > query.limit };
  }
}
