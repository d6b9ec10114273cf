import { randomUUID } from "node:crypto";
import { checkKeySourceCount, syncErrorText, unknownKeySource } from "../key-sources/rules.js";
import { DirectoryError, type KeySourceKind, type KeySourceRecord, type KeySourceStore, type KeySourceSync } from "../ports.js";
import type { MemoryTables, UserRow } from "./tables.js";

/** KeySourceStore in memory, with the Prisma one's uniqueness and cascade rules. */
export class MemoryKeySources implements KeySourceStore {
  constructor(private readonly tables: MemoryTables) {}

  private user(username: string): UserRow {
    const user = this.tables.userNamed(username);
    if (!user) throw new DirectoryError("not_found", `no user ${username}`);
    return user;
  }

  private record(row: KeySourceRecord): KeySourceRecord {
    return { ...row, username: this.tables.users.get(row.userId)!.username };
  }

  private rows(): KeySourceRecord[] {
    return [...this.tables.keySources.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async list(username: string): Promise<KeySourceRecord[]> {
    const user = this.user(username);
    return this.rows()
      .filter((row) => row.userId === user.id)
      .map((row) => this.record(row));
  }

  async listAll(): Promise<KeySourceRecord[]> {
    return this.rows().map((row) => this.record(row));
  }

  async find(username: string, ref: string): Promise<KeySourceRecord> {
    const found = (await this.list(username)).find((row) => row.ref === ref || row.url === ref);
    if (!found) throw unknownKeySource(username, ref);
    return found;
  }

  async ensure(username: string, source: { kind: KeySourceKind; ref: string; url: string }): Promise<KeySourceRecord> {
    const held = await this.list(username);
    const existing = held.find((row) => row.url === source.url);
    if (existing) return existing;
    checkKeySourceCount(held.length);
    const user = this.user(username);
    const row: KeySourceRecord = {
      id: randomUUID(),
      userId: user.id,
      username: user.username,
      ...source,
      createdAt: new Date(this.tables.now()),
      lastSyncedAt: null,
      lastError: null,
      retryAfter: null,
    };
    this.tables.keySources.set(row.id, row);
    return this.record(row);
  }

  async remove(username: string, ref: string): Promise<KeySourceRecord> {
    const found = await this.find(username, ref);
    this.tables.deleteKeySource(found.id);
    return found;
  }

  async recordSync(id: string, sync: KeySourceSync): Promise<KeySourceRecord> {
    const row = this.tables.keySources.get(id);
    if (!row) throw new DirectoryError("not_found", "no such key source");
    row.lastSyncedAt = sync.at;
    row.lastError = syncErrorText(sync.error);
    row.retryAfter = sync.retryAfter;
    return this.record(row);
  }
}
