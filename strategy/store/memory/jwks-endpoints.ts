import { randomUUID } from "node:crypto";
import { checkJwksEndpointCount, duplicateJwksEndpoint, fetchErrorText, jwksUrl, unknownJwksEndpoint } from "../jwks/rules.js";
import { DirectoryError, type JwksEndpointRecord, type JwksEndpointStore } from "../ports.js";
import type { MemoryTables, UserRow } from "./tables.js";

/** JwksEndpointStore in memory, with the Prisma one's uniqueness and cascade rules. */
export class MemoryJwksEndpoints implements JwksEndpointStore {
  constructor(private readonly tables: MemoryTables) {}

  private user(username: string): UserRow {
    const user = this.tables.userNamed(username);
    if (!user) throw new DirectoryError("not_found", `no user ${username}`);
    return user;
  }

  private record(row: JwksEndpointRecord): JwksEndpointRecord {
    return { ...row, username: this.tables.users.get(row.userId)!.username };
  }

  private rowsOf(userId: string): JwksEndpointRecord[] {
    return [...this.tables.jwksEndpoints.values()].filter((row) => row.userId === userId).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async forUser(userId: string): Promise<JwksEndpointRecord[]> {
    return this.rowsOf(userId).map((row) => this.record(row));
  }

  async list(username: string): Promise<JwksEndpointRecord[]> {
    return this.forUser(this.user(username).id);
  }

  async add(username: string, url: string): Promise<JwksEndpointRecord> {
    const normalised = jwksUrl(url);
    const user = this.user(username);
    const held = this.rowsOf(user.id);
    if (held.some((row) => row.url === normalised)) throw duplicateJwksEndpoint();
    checkJwksEndpointCount(held.length);
    const row: JwksEndpointRecord = {
      id: randomUUID(),
      userId: user.id,
      username: user.username,
      url: normalised,
      createdAt: new Date(this.tables.now()),
      lastUsedAt: null,
      lastFetchedAt: null,
      lastFetchError: null,
    };
    this.tables.jwksEndpoints.set(row.id, row);
    return this.record(row);
  }

  async remove(username: string, url: string): Promise<JwksEndpointRecord> {
    const user = this.user(username);
    let normalised: string;
    try {
      normalised = jwksUrl(url);
    } catch {
      throw unknownJwksEndpoint(username);
    }
    const row = this.rowsOf(user.id).find((r) => r.url === normalised);
    if (!row) throw unknownJwksEndpoint(username);
    this.tables.jwksEndpoints.delete(row.id);
    return this.record(row);
  }

  async markUsed(id: string, at: Date): Promise<void> {
    const row = this.tables.jwksEndpoints.get(id);
    if (row) row.lastUsedAt = at;
  }

  async recordFetch(url: string, at: Date, error: string | null): Promise<void> {
    for (const row of this.tables.jwksEndpoints.values()) {
      if (row.url !== url) continue;
      row.lastFetchedAt = at;
      row.lastFetchError = fetchErrorText(error);
    }
  }
}
