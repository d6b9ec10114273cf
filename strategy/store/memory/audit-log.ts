import { AuditListeners, actionMatches } from "../audit/listeners.js";
import type { AuditEntry, AuditLog, AuditPageQuery, AuditRecord, Page } from "../ports.js";

export class MemoryAuditLog implements AuditLog {
  private readonly entries: AuditEntry[] = [];
  private readonly listeners = new AuditListeners();

  async append(record: AuditRecord): Promise<AuditEntry> {
    const entry: AuditEntry = {
      id: this.entries.length + 1,
      at: record.at,
      actor: { ...record.actor },
      ip: record.ip ?? null,
      userAgent: record.userAgent ?? null,
      action: record.action,
      target: { type: record.target.type, id: record.target.id ?? null, name: record.target.name ?? null },
      // A copy through JSON, as the database stores it: later changes to the caller's objects do not reach the log.
      before: record.before ? (JSON.parse(JSON.stringify(record.before)) as Record<string, unknown>) : null,
      after: record.after ? (JSON.parse(JSON.stringify(record.after)) as Record<string, unknown>) : null,
    };
    this.entries.push(entry);
    this.listeners.notify(entry);
    return entry;
  }

  async page(query: AuditPageQuery): Promise<Page<AuditEntry>> {
    const actor = query.actor?.toLowerCase();
    const matching = this.entries
      .filter(
        (e) =>
          (query.action === undefined || actionMatches(query.action, e.action)) &&
          (query.targetType === undefined || e.target.type === query.targetType) &&
          (query.targetId === undefined || e.target.id === query.targetId) &&
          (query.targetName === undefined || e.target.name === query.targetName) &&
          (actor === undefined || e.actor.name.toLowerCase().includes(actor)) &&
          (query.from === undefined || e.at >= query.from) &&
          (query.to === undefined || e.at < query.to) &&
          (query.after === undefined || e.at < query.after.at || (e.at.getTime() === query.after.at.getTime() && e.id < query.after.id)),
      )
      .sort((a, b) => b.at.getTime() - a.at.getTime() || b.id - a.id);
    return { items: matching.slice(0, query.limit), more: matching.length > query.limit };
  }

  onAppend(listener: (entry: AuditEntry) => void): () => void {
    return this.listeners.add(listener);
  }
}
