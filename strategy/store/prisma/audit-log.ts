import { AuditListeners } from "../audit/listeners.js";
import type { AuditActor, AuditEntry, AuditLog, AuditPageQuery, AuditRecord, Page } from "../ports.js";
import type { Prisma } from "./client.js";

interface AuditRow {
  id: number;
  at: Date;
  actorType: string;
  actorId: string | null;
  actorName: string;
  ip: string | null;
  userAgent: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  targetName: string | null;
  before: string | null;
  after: string | null;
}

function actorOf(row: AuditRow): AuditActor {
  if (row.actorType === "user") return { type: "user", id: row.actorId ?? "", name: row.actorName };
  return { type: row.actorType === "cli" ? "cli" : "system", name: row.actorName };
}

function fieldsOf(text: string | null): Record<string, unknown> | null {
  return text === null ? null : (JSON.parse(text) as Record<string, unknown>);
}

function entryOf(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: actorOf(row),
    ip: row.ip,
    userAgent: row.userAgent,
    action: row.action,
    target: { type: row.targetType, id: row.targetId, name: row.targetName },
    before: fieldsOf(row.before),
    after: fieldsOf(row.after),
  };
}

/** AuditEntry rows: inserted, never updated or deleted (the migration's triggers refuse both). */
export class PrismaAuditLog implements AuditLog {
  private readonly listeners = new AuditListeners();

  constructor(
    private readonly prisma: Prisma,
    private readonly provider: "sqlite" | "postgresql",
  ) {}

  // SQLite's LIKE ignores ASCII case already; PostgreSQL needs to be asked.
  private get insensitive(): { mode?: "insensitive" } {
    return this.provider === "postgresql" ? { mode: "insensitive" } : {};
  }

  async append(record: AuditRecord): Promise<AuditEntry> {
    const row = await this.prisma.auditEntry.create({
      data: {
        at: record.at,
        actorType: record.actor.type,
        actorId: record.actor.type === "user" ? record.actor.id : null,
        actorName: record.actor.name,
        ip: record.ip ?? null,
        userAgent: record.userAgent ?? null,
        action: record.action,
        targetType: record.target.type,
        targetId: record.target.id ?? null,
        targetName: record.target.name ?? null,
        before: record.before ? JSON.stringify(record.before) : null,
        after: record.after ? JSON.stringify(record.after) : null,
      },
    });
    const entry = entryOf(row);
    this.listeners.notify(entry);
    return entry;
  }

  async page(query: AuditPageQuery): Promise<Page<AuditEntry>> {
    const { action } = query;
    const rows = await this.prisma.auditEntry.findMany({
      where: {
        ...(action === undefined ? {} : action.endsWith(".") ? { action: { startsWith: action } } : { action }),
        ...(query.targetType === undefined ? {} : { targetType: query.targetType }),
        ...(query.targetId === undefined ? {} : { targetId: query.targetId }),
        ...(query.targetName === undefined ? {} : { targetName: query.targetName }),
        ...(query.actor === undefined ? {} : { actorName: { contains: query.actor, ...this.insensitive } }),
        at: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) },
        ...(query.after ? { OR: [{ at: { lt: query.after.at } }, { at: query.after.at, id: { lt: query.after.id } }] } : {}),
      },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      take: query.limit + 1,
    });
    return { items: rows.slice(0, query.limit).map(entryOf), more: rows.length > query.limit };
  }

  onAppend(listener: (entry: AuditEntry) => void): () => void {
    return this.listeners.add(listener);
  }
}
