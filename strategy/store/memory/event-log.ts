import type { AuthEventEntry, AuthEventRecord, EventFilter, EventLog, EventPageQuery, EventSink, EventTotals, Page } from "../ports.js";
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

  private filtered(filter: EventFilter): EventRow[] {
    const user = filter.username === undefined ? undefined : this.tables.userNamed(filter.username);
    const part = filter.usernameContains?.toLowerCase();
    const nameContains = (e: EventRow) =>
      part === undefined ||
      (e.username ?? "").toLowerCase().includes(part) ||
      (e.userId !== null && (this.tables.users.get(e.userId)?.username.toLowerCase().includes(part) ?? false));
    return this.tables.events.filter(
      (e) =>
        (filter.username === undefined || (user !== undefined && e.userId === user.id) || (e.userId === null && e.username === filter.username)) &&
        nameContains(e) &&
        (filter.userId === undefined || e.userId === filter.userId) &&
        (filter.certificates !== true || isCertificateAttempt(e)) &&
        (filter.keyId === undefined || e.keyId === filter.keyId) &&
        (filter.scheme === undefined || e.scheme === filter.scheme) &&
        (filter.outcome === undefined || e.outcome === filter.outcome) &&
        (filter.from === undefined || e.at.getTime() >= filter.from.getTime()) &&
        (filter.to === undefined || e.at.getTime() < filter.to.getTime()),
    );
  }

  async page(query: EventPageQuery): Promise<Page<AuthEventEntry>> {
    const after = query.after;
    const rows = this.filtered(query)
      .filter((e) => after === undefined || e.at.getTime() < after.at.getTime() || (e.at.getTime() === after.at.getTime() && e.id < after.id))
      .sort(newestEventFirst);
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

  async count(filter: EventFilter): Promise<EventTotals> {
    const byOutcome: EventTotals["byOutcome"] = { success: 0, failure: 0, alarm: 0 };
    const rows = this.filtered(filter);
    for (const e of rows) byOutcome[e.outcome]++;
    return { matching: rows.length, byOutcome };
  }
}
