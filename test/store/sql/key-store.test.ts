// The key lookups on the driver connection read what the directory (Prisma) wrote, on both
// databases: timestamps to the millisecond, flags, limits and scopes, newest key first, and the
// signature counter's rule (only a larger counter advances it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore, type KeyRecord, type PrismaStore } from "../../../strategy/store/index.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../support/databases.js";
import { newKeyLine } from "../../admin/support.js";

describe.each(databaseKinds)("SqlKeyStore on %s", (kind) => {
  let database: TestDatabase;
  let store: PrismaStore;
  let older: KeyRecord;
  let newer: KeyRecord;
  const expiresAt = new Date(Date.UTC(2031, 4, 6, 7, 8, 9, 123));

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = await openPrismaStore({ url: database.url, keyCache: { enabled: false } });
    await store.directory.addUser("sql-ann");
    older = await store.directory.addKey("sql-ann", newKeyLine(), { comment: "older", expiresAt });
    await new Promise((resolve) => setTimeout(resolve, 5));
    newer = await store.directory.addKey("sql-ann", newKeyLine(), { comment: "newer" });
    newer = await store.directory.updateKeyById(newer.id, { scopes: ["deploy", "read"], rateLimit: { count: 3, windowSeconds: 60 } });
    newer = await store.directory.revokeKeyById(newer.id, "lost", new Date(Date.UTC(2030, 1, 2, 3, 4, 5, 678)));
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it("finds a key by fingerprint and by kid with the row's values and its owner", async () => {
    const byFingerprint = await store.keys.findByFingerprint(older.fingerprintSha256);
    const byKid = await store.keys.findByKid(older.kid);
    for (const found of [byFingerprint, byKid]) {
      expect(found?.key).toMatchObject({
        id: older.id,
        userId: older.userId,
        comment: "older",
        createdAt: older.createdAt,
        expiresAt,
        revokedAt: null,
        lastUsedAt: null,
        touchRequired: true,
        verifyRequired: false,
        sshOptions: null,
        unverified: false,
        scopes: null,
        rateLimit: null,
        failedAttempts: 0,
        lockedUntil: null,
      });
      expect(found?.user).toMatchObject({ id: older.userId, username: "sql-ann", isAdmin: false, disabled: false, requireUserVerification: false });
    }
  });

  it("lists a user's keys newest first, with revocation, scopes and rate limit as stored", async () => {
    const found = await store.keys.findByUsername("sql-ann");
    expect(found?.keys.map((k) => k.id)).toEqual([newer.id, older.id]);
    expect(found?.keys[0]).toMatchObject({ revokedAt: newer.revokedAt, scopes: newer.scopes, rateLimit: { count: 3, windowSeconds: 60 } });
    expect(found?.keys[0]?.revokedAt?.toISOString()).toBe("2030-02-02T03:04:05.678Z");
  });

  it("answers null for names nothing can hold, and for unknown ones", async () => {
    expect(await store.keys.findByUsername("nobody")).toBeNull();
    expect(await store.keys.findByFingerprint("SHA256:" + "A".repeat(43))).toBeNull();
    expect(await store.keys.findByKid("x".repeat(100_000))).toBeNull();
    expect(await store.keys.findByUsername("bad\u0000name")).toBeNull();
  });

  it("advances the signature counter only past the stored one, as Prisma reads it back", async () => {
    expect(await store.keys.advanceSignCounter(older.id, 0)).toBe(true);
    expect(await store.keys.advanceSignCounter(older.id, 0)).toBe(true);
    expect(await store.keys.advanceSignCounter(older.id, 5)).toBe(true);
    expect(await store.keys.advanceSignCounter(older.id, 5)).toBe(false);
    expect(await store.keys.advanceSignCounter(older.id, 4)).toBe(false);
    expect(await store.keys.advanceSignCounter(older.id, 2 ** 32 - 1)).toBe(true);
    const row = await store.database.prisma.publicKey.findUniqueOrThrow({ where: { id: older.id } });
    expect(row.signCounter).toBe(BigInt(2 ** 32 - 1));
  });
});
