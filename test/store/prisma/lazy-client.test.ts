// The Prisma client stands in before it is loaded: calls made then (array transactions among
// them) run on the real client once it is, a failed load is tried again, and closing a store
// that never queried through Prisma loads nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore, type PrismaStore } from "../../../strategy/store/index.js";
import { lazyPrisma } from "../../../strategy/store/prisma/lazy-client.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../support/databases.js";

describe.each(databaseKinds)("the lazily loaded Prisma client on %s", (kind) => {
  let database: TestDatabase;
  let store: PrismaStore;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = await openPrismaStore({ url: database.url });
    await store.directory.addUser("lazy-ann");
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it("runs an array transaction of calls made before loading on the real client", async () => {
    const fresh = await openPrismaStore({ url: database.url, migrate: false });
    try {
      const { prisma } = fresh.database;
      const users = prisma.user;
      const [count, found] = await prisma.$transaction([users.count(), prisma.user.findUnique({ where: { username: "lazy-ann" } })]);
      expect(count).toBe(1);
      expect(found?.username).toBe("lazy-ann");
      // A delegate taken before loading still works after it.
      expect(await users.count({ where: { username: "nobody" } })).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it("a tagged-template raw query as the first call reaches Prisma with its strings intact", async () => {
    const fresh = await openPrismaStore({ url: database.url, migrate: false });
    try {
      const rows = await fresh.database.prisma.$queryRaw<{ n: unknown }[]>`SELECT COUNT(*) AS n FROM "User" WHERE "username" = ${"lazy-ann"}`;
      expect(Number(rows[0]!.n)).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it("answers the same rows through the key store (driver) and through Prisma", async () => {
    const viaDriver = await store.keys.findByUsername("lazy-ann");
    const viaPrisma = await store.database.prisma.user.findUniqueOrThrow({ where: { username: "lazy-ann" } });
    expect(viaDriver?.user).toMatchObject({ id: viaPrisma.id, username: viaPrisma.username, isAdmin: viaPrisma.isAdmin, disabled: viaPrisma.disabled });
  });
});

describe("lazyPrisma", () => {
  it("tries a failed load again on the next call, and closes without loading when never used", async () => {
    let attempts = 0;
    const client = { user: { count: async () => 7 }, $disconnect: async () => void (disconnected = true) };
    let disconnected = false;
    const lazy = lazyPrisma(async () => {
      attempts++;
      if (attempts === 1) throw new Error("not yet");
      return client as never;
    });
    await expect(lazy.prisma.user.count()).rejects.toThrow("not yet");
    expect(lazy.loaded()).toBe(false);
    expect(await lazy.prisma.user.count()).toBe(7);
    expect(lazy.loaded()).toBe(true);
    await lazy.close();
    expect(disconnected).toBe(true);

    const unused = lazyPrisma(async () => {
      throw new Error("must not load");
    });
    await unused.close();
    await unused.prisma.$disconnect();
    expect(unused.loaded()).toBe(false);
  });
});
