import { checkJwksEndpointCount, duplicateJwksEndpoint, fetchErrorText, jwksUrl, unknownJwksEndpoint } from "../jwks/rules.js";
import { nameable } from "../parsed-key-cache.js";
import { DirectoryError, type JwksEndpointRecord, type JwksEndpointStore } from "../ports.js";
import type { Prisma } from "./client.js";

const withUsername = { user: { select: { username: true } } } as const;

type Row = Omit<JwksEndpointRecord, "username"> & { user: { username: string } };

function record({ user, ...row }: Row): JwksEndpointRecord {
  return { ...row, username: user.username };
}

/** JwksEndpointStore over Prisma; nothing is cached, so every instance sees a change at once. */
export class PrismaJwksEndpoints implements JwksEndpointStore {
  constructor(private readonly prisma: Prisma) {}

  private async userId(username: string): Promise<string> {
    const user = nameable(username) ? await this.prisma.user.findUnique({ where: { username }, select: { id: true } }) : null;
    if (!user) throw new DirectoryError("not_found", `no user ${username}`);
    return user.id;
  }

  async forUser(userId: string): Promise<JwksEndpointRecord[]> {
    const rows = await this.prisma.jwksEndpoint.findMany({ where: { userId }, include: withUsername, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    return rows.map(record);
  }

  async list(username: string): Promise<JwksEndpointRecord[]> {
    return this.forUser(await this.userId(username));
  }

  async add(username: string, url: string): Promise<JwksEndpointRecord> {
    const normalised = jwksUrl(url);
    const userId = await this.userId(username);
    checkJwksEndpointCount(await this.prisma.jwksEndpoint.count({ where: { userId } }));
    try {
      return record(await this.prisma.jwksEndpoint.create({ data: { userId, url: normalised }, include: withUsername }));
    } catch (error) {
      if ((error as { code?: unknown }).code === "P2002") throw duplicateJwksEndpoint();
      throw error;
    }
  }

  async remove(username: string, url: string): Promise<JwksEndpointRecord> {
    const userId = await this.userId(username);
    let normalised: string;
    try {
      normalised = jwksUrl(url);
    } catch {
      throw unknownJwksEndpoint(username);
    }
    const row = await this.prisma.jwksEndpoint.findUnique({ where: { userId_url: { userId, url: normalised } }, include: withUsername });
    if (!row) throw unknownJwksEndpoint(username);
    await this.prisma.jwksEndpoint.deleteMany({ where: { id: row.id } });
    return record(row);
  }

  async markUsed(id: string, at: Date): Promise<void> {
    await this.prisma.jwksEndpoint.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }

  async recordFetch(url: string, at: Date, error: string | null): Promise<void> {
    await this.prisma.jwksEndpoint.updateMany({ where: { url }, data: { lastFetchedAt: at, lastFetchError: fetchErrorText(error) } });
  }
}
