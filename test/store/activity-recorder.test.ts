import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore, type PrismaStore } from "../../strategy/store/prisma/store.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { spkiPem } from "../support/tokens.js";
import { freshKeyPair } from "../support/fresh-keys.js";

describe.each(databaseKinds)("activity recording on %s", (kind) => {
  let db: TestDatabase;
  let store: PrismaStore;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    store = await openPrismaStore({ url: db.url, activity: { flushEveryMs: 60_000 } });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const event = (fields: { userId: string | null; keyId: string | null; username: string }) => ({
    at: new Date("2026-01-02T03:04:05.678Z"),
    scheme: "jwt",
    outcome: "success" as const,
    errorCode: null,
    ip: "192.0.2.7",
    userAgent: "recorder-test",
    ...fields,
  });

  it("writes buffered events and key use in one flush, readable through Prisma", async () => {
    await store.directory.addUser("rec");
    const key = await store.directory.addKey("rec", spkiPem(freshKeyPair("ed25519").publicKey));
    for (let i = 0; i < 3; i++) store.events.record(event({ userId: key.userId, keyId: key.id, username: "rec" }));
    await store.events.flush();
    const rows = await store.database.prisma.authEvent.findMany({ where: { username: "rec" } });
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ userId: key.userId, keyId: key.id, ip: "192.0.2.7", scheme: "jwt", outcome: "success" });
    expect(rows[0]!.at.toISOString()).toBe("2026-01-02T03:04:05.678Z");
    const stored = await store.directory.findKey(key.fingerprintSha256);
    expect(stored).toMatchObject({ useCount: 3, lastUsedIp: "192.0.2.7", lastUsedScheme: "jwt" });
    expect(stored.lastUsedAt?.toISOString()).toBe("2026-01-02T03:04:05.678Z");
  });

  it("keeps the event of a user deleted before the flush, without the dangling link", async () => {
    const user = await store.directory.addUser("gone");
    store.events.record(event({ userId: user.id, keyId: null, username: "gone" }));
    await store.database.prisma.user.delete({ where: { id: user.id } });
    await store.events.flush();
    const rows = await store.database.prisma.authEvent.findMany({ where: { username: "gone" } });
    expect(rows.map((r) => r.userId)).toEqual([null]);
  });
});
