import { checkKeySourceCount, syncErrorText, unknownKeySource } from "../key-sources/rules.js";
import { nameable } from "../parsed-key-cache.js";
import { DirectoryError, type KeySourceKind, type KeySourceRecord, type KeySourceStore, type KeySourceSync } from "../ports.js";
import type { Prisma } from "./client.js";

const withUsername = { user: { select: { username: true } } } as const;

type Row = Omit<KeySourceRecord, "username" | "kind"> & { kind: string; user: { username: string } };

function record({ user, kind, ...row }: Row): KeySourceRecord {
  return { ...row, kind: kind as KeySourceKind, username: user.username };
}

const oldestFirst = [{ createdAt: "asc" }, { id: "asc" }] as const;

/** KeySourceStore over Prisma; removing a source leaves its keys (the foreign key sets their sourceId null). */
export class PrismaKeySources implements KeySourceStore {
  constructor(private readonly prisma: Prisma) {}

  private async userId(username: string): Promise<string> {
    const user = nameable(username) ? await this.prisma.user.findUnique({ where: { username }, select: { id: true } }) : null;
    if (!user) throw new DirectoryError("not_found", `no user ${username}`);
    return user.id;
  }

  async list(username: string): Promise<KeySourceRecord[]> {
    const userId = await this.userId(username);
    return (await this.prisma.keySource.findMany({ where: { userId }, include: withUsername, orderBy: [...oldestFirst] })).map(record);
  }

  async listAll(): Promise<KeySourceRecord[]> {
    return (await this.prisma.keySource.findMany({ include: withUsername, orderBy: [...oldestFirst] })).map(record);
  }

  async find(username: string, ref: string): Promise<KeySourceRecord> {
    const userId = await this.userId(username);
    const row = nameable(ref) ? await this.prisma.keySource.findFirst({ where: { userId, OR: [{ ref }, { url: ref }] }, include: withUsername }) : null;
    if (!row) throw unknownKeySource(username, ref);
    return record(row);
  }

  async ensure(username: string, source: { kind: KeySourceKind; ref: string; url: string }): Promise<KeySourceRecord> {
    const userId = await this.userId(username);
    const existing = await this.prisma.keySource.findUnique({ where: { userId_url: { userId, url: source.url } }, include: withUsername });
    if (existing) return record(existing);
    checkKeySourceCount(await this.prisma.keySource.count({ where: { userId } }));
    try {
      return record(await this.prisma.keySource.create({ data: { userId, ...source }, include: withUsername }));
    } catch (error) {
      // A concurrent import of the same URL created it first: that one is the source.
      if ((error as { code?: unknown }).code !== "P2002") throw error;
      return record(await this.prisma.keySource.findUniqueOrThrow({ where: { userId_url: { userId, url: source.url } }, include: withUsername }));
    }
  }

  async remove(username: string, ref: string): Promise<KeySourceRecord> {
    const found = await this.find(username, ref);
    await this.prisma.keySource.deleteMany({ where: { id: found.id } });
    return found;
  }

  async recordSync(id: string, sync: KeySourceSync): Promise<KeySourceRecord> {
    const data = { lastSyncedAt: sync.at, lastError: syncErrorText(sync.error), retryAfter: sync.retryAfter };
    const result = await this.prisma.keySource.updateMany({ where: { id }, data });
    if (result.count === 0) throw new DirectoryError("not_found", "no such key source");
    return record(await this.prisma.keySource.findUniqueOrThrow({ where: { id }, include: withUsername }));
  }
}
