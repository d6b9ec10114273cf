// Per-user key limit (issue 11, H-2): every key of a user is a candidate for a credential
// that names only the user, so the directory caps how many one user may hold.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePublicKey, publicKeyFromKeyObject } from "../../../strategy/keys/index.js";
import { DirectoryError } from "../../../strategy/store/index.js";
import { openPrismaStore, type PrismaStore } from "../../../strategy/store/prisma/store.js";
import { newKeyLine, signIn, startAdminServer, type AdminServer } from "../../admin/support.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../../support/databases.js";
import { fixtureKeyPair } from "../../support/fixture-keys.js";
import { freshKeyPair } from "../../support/fresh-keys.js";
import { refusalOf } from "../../support/refusal.js";

const ed25519Keys = (count: number) => Array.from({ length: count }, () => publicKeyFromKeyObject(freshKeyPair("ed25519").publicKey));

describe.each(databaseKinds)("key limit per user on %s", (kind) => {
  let database: TestDatabase;
  let store: PrismaStore;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = await openPrismaStore({ url: database.url, maxKeysPerUser: 3, keyPolicy: { rsaMaxBits: 2048 } });
    await store.directory.addUser("alice");
    await store.directory.addUser("bob");
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it("the configured limit holds for addKey and for a multi-key insert, revoked keys included", async () => {
    const alice = await store.directory.findUser("alice");
    await store.directory.addKey("alice", newKeyLine("one"));
    const second = await store.directory.addKey("alice", newKeyLine("two"));
    await store.directory.revokeKeyById(second.id, "lost");
    // A paste of two when one slot is left: all or nothing.
    const error = await refusalOf(store.directory.insertKeys(alice.id, ed25519Keys(2)), DirectoryError);
    expect(error.code).toBe("too_many_keys");
    expect(error.message).toMatch(/at most 3 keys/);
    expect(await store.database.prisma.publicKey.count({ where: { userId: alice.id } })).toBe(2);
    await store.directory.addKey("alice", newKeyLine("three"));
    expect((await refusalOf(store.directory.addKey("alice", newKeyLine("four")), DirectoryError)).code).toBe("too_many_keys");
    // Another user's room is separate; deleting a key makes room again.
    await store.directory.addKey("bob", newKeyLine("bob's"));
    await store.directory.removeKeyById(second.id);
    await store.directory.addKey("alice", newKeyLine("four"));
    expect(await store.database.prisma.publicKey.count({ where: { userId: alice.id } })).toBe(3);
  });

  it("the store's keyPolicy reaches the directory: a 3072-bit RSA key is refused when rsaMaxBits is 2048", async () => {
    const big = publicKeyFromKeyObject(fixtureKeyPair("rsa3072").publicKey);
    const error = await refusalOf(store.directory.addKey("bob", big.openssh), DirectoryError);
    expect(error.code).toBe("invalid");
    expect(error.message).toMatch(/at most 2048/);
    await store.directory.addKey("bob", publicKeyFromKeyObject(fixtureKeyPair("rsa2048-a").publicKey).openssh);
    // A key parsed elsewhere, handed over as a ParsedPublicKey, meets the policy too.
    const bob = await store.directory.findUser("bob");
    expect((await refusalOf(store.directory.insertKeys(bob.id, [big]), DirectoryError)).message).toMatch(/at most 2048/);
  });

  it("bad limits are configuration errors, thrown before the database is opened", async () => {
    await expect(openPrismaStore({ url: database.url, maxKeysPerUser: 0 })).rejects.toThrow(TypeError);
    await expect(openPrismaStore({ url: database.url, keyPolicy: { rsaMaxBits: 100_000 } })).rejects.toThrow(TypeError);
  });
});

describe.each(databaseKinds)("the admin API at the default limit of 50 on %s", (kind) => {
  let server: AdminServer;

  beforeAll(async () => {
    server = await startAdminServer(kind);
    await server.store.directory.addUser("alice");
    const alice = await server.store.directory.findUser("alice");
    await server.store.directory.insertKeys(alice.id, ed25519Keys(50));
  });
  afterAll(() => server?.close());

  it("the 51st key is a 409 too_many_keys and nothing is stored", async () => {
    const alice = await signIn(server, "alice");
    const line = newKeyLine("the 51st");
    const r = await alice.call("POST", "/keys", { text: line });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("too_many_keys");
    expect(r.body.error.message).toMatch(/at most 50 keys/);
    const fingerprint = parsePublicKey(line).fingerprintSha256;
    expect(await server.store.database.prisma.publicKey.count({ where: { fingerprintSha256: fingerprint } })).toBe(0);
  });
});
