import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DirectoryError, type SshKeyStore } from "../../../strategy/store/index.js";
import { newKeyLine } from "../../admin/support.js";
import { adapterNames, openAdapter, type OpenedStore } from "./adapters.js";
import { refusalOf } from "../../support/refusal.js";

const refusal = (promise: Promise<unknown>) => refusalOf(promise, DirectoryError);

describe.each(adapterNames)("KeyDirectory on %s", (name) => {
  let opened: OpenedStore;
  let store: SshKeyStore;
  beforeAll(async () => {
    opened = await openAdapter(name, { maxKeysPerUser: 3 });
    store = opened.store;
  });
  afterAll(() => opened?.close());

  it("adds, finds and lists users, and refuses duplicates, lookalikes and bad names", async () => {
    const alice = await store.directory.addUser("alice", { isAdmin: true });
    expect(alice).toMatchObject({ username: "alice", isAdmin: true, disabled: false });
    expect(alice.createdAt).toBeInstanceOf(Date);
    expect(await store.directory.findUser("alice")).toMatchObject({ id: alice.id });
    expect(await store.directory.lookupUser("nobody")).toBeNull();
    expect((await refusal(store.directory.findUser("nobody"))).code).toBe("not_found");
    expect((await refusal(store.directory.addUser("alice"))).code).toBe("conflict");
    expect((await refusal(store.directory.addUser("Alice"))).code).toBe("confusable");
    expect((await refusal(store.directory.addUser("\u0430lice"))).code).toBe("invalid");
    await store.directory.addUser("aaron");
    expect((await store.directory.listUsers()).map((u) => u.username)).toEqual(["aaron", "alice"]);
  });

  it("changes user flags and answers with the user as written", async () => {
    await store.directory.addUser("flagged");
    expect(await store.directory.setUserFlags("flagged", { disabled: true })).toMatchObject({ username: "flagged", disabled: true, isAdmin: false });
    expect(await store.directory.setUserFlags("flagged", { isAdmin: true })).toMatchObject({ disabled: true, isAdmin: true });
    expect((await refusal(store.directory.setUserFlags("ghost", { disabled: true }))).code).toBe("not_found");
  });

  it("stores keys with their owner's name, finds them by fingerprint and refuses one held already", async () => {
    const owner = await store.directory.addUser("keyholder");
    const line = newKeyLine("laptop");
    const key = await store.directory.addKey("keyholder", line, { comment: "work" });
    expect(key).toMatchObject({ userId: owner.id, username: "keyholder", type: "ssh-ed25519", comment: "work", revokedAt: null, useCount: 0 });
    expect(key.fingerprintSha256).toMatch(/^SHA256:/);
    expect(await store.directory.findKey(key.fingerprintSha256.slice("SHA256:".length))).toEqual(key);
    expect(await store.directory.findKeyById(key.id)).toEqual(key);
    await store.directory.addUser("other");
    const taken = await refusal(store.directory.addKey("other", line));
    expect(taken.code).toBe("conflict");
    expect(taken.holder).toEqual({ userId: owner.id, username: "keyholder" });
    expect((await refusal(store.directory.addKey("keyholder", "not a key"))).code).toBe("invalid");
    expect((await refusal(store.directory.findKey("SHA256:nope"))).code).toBe("not_found");
    expect(await store.directory.lookupKeyById("00000000-0000-0000-0000-000000000000")).toBeNull();
  });

  it("holds the key-count limit for single and multi-key inserts, all or none", async () => {
    const user = await store.directory.addUser("limited");
    await store.directory.addKey("limited", newKeyLine());
    await store.directory.addKey("limited", newKeyLine());
    const { parsePublicKey } = await import("../../../strategy/keys/index.js");
    const two = [parsePublicKey(newKeyLine()), parsePublicKey(newKeyLine())];
    expect((await refusal(store.directory.insertKeys(user.id, two))).code).toBe("too_many_keys");
    expect(await store.directory.listKeys("limited")).toHaveLength(2);
    const [third] = await store.directory.insertKeys(user.id, two.slice(0, 1));
    expect(third).toMatchObject({ username: "limited" });
    expect((await refusal(store.directory.addKey("limited", newKeyLine()))).code).toBe("too_many_keys");
    const same = parsePublicKey(newKeyLine());
    await store.directory.removeKeyById(third!.id);
    expect((await refusal(store.directory.insertKeys(user.id, [same, same]))).code).toBe("conflict");
  });

  it("updates, revokes and removes keys, each answering with the key as written", async () => {
    await store.directory.addUser("changer");
    const key = await store.directory.addKey("changer", newKeyLine("old"));
    const expiresAt = new Date(Date.now() + 86_400_000);
    expect(await store.directory.updateKeyById(key.id, { comment: "new", expiresAt })).toMatchObject({ comment: "new", expiresAt, username: "changer" });
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const revoked = await store.directory.revokeKeyById(key.id, "lost", at);
    expect(revoked).toMatchObject({ revokedAt: at, revokedReason: "lost", comment: "new" });
    expect((await refusal(store.directory.revokeKeyById(key.id, "again"))).code).toBe("conflict");
    expect(await store.directory.revokeKey(key.fingerprintSha256, "again")).toMatchObject({ revokedReason: "lost" });
    expect(await store.directory.removeKeyById(key.id)).toMatchObject({ id: key.id, username: "changer" });
    expect((await refusal(store.directory.removeKeyById(key.id))).code).toBe("not_found");
    expect((await refusal(store.directory.updateKeyById(key.id, { comment: "x" }))).code).toBe("not_found");
    const other = await store.directory.addKey("changer", newKeyLine());
    expect(await store.directory.removeKey(other.fingerprintSha256)).toMatchObject({ id: other.id });
  });

  it("removes a user with their keys and reports how many", async () => {
    await store.directory.addUser("leaver");
    const key = await store.directory.addKey("leaver", newKeyLine());
    expect(await store.directory.removeUser("leaver")).toMatchObject({ user: { username: "leaver" }, keyCount: 1 });
    expect(await store.directory.lookupKeyById(key.id)).toBeNull();
    expect(await store.directory.lookupUser("leaver")).toBeNull();
    expect(await store.keys.findByFingerprint(key.fingerprintSha256)).toBeNull();
  });

  it("pages keys newest first, filtered by owner, state and text, with a cursor that visits each key once", async () => {
    const owner = await store.directory.addUser("pager");
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await store.directory.addKey("pager", newKeyLine(), { comment: `Pager-Key-${i}` }));
    await store.directory.revokeKeyById(made[0]!.id, null);
    const now = new Date();
    const seen: string[] = [];
    let after: { value: number; id: string } | undefined;
    for (;;) {
      const page = await store.directory.pageKeys({ userId: owner.id, limit: 2, now, after });
      seen.push(...page.items.map((k) => k.id));
      const last = page.items[page.items.length - 1];
      if (!page.more || !last) break;
      after = { value: last.createdAt.getTime(), id: last.id };
    }
    expect(seen.sort()).toEqual(made.map((k) => k.id).sort());
    const all = await store.directory.pageKeys({ userId: owner.id, limit: 10, now });
    const times = all.items.map((k) => k.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(all.more).toBe(false);
    expect((await store.directory.pageKeys({ userId: owner.id, status: "revoked", limit: 10, now })).items.map((k) => k.id)).toEqual([made[0]!.id]);
    expect((await store.directory.pageKeys({ userId: owner.id, status: "active", limit: 10, now })).items).toHaveLength(2);
    expect((await store.directory.pageKeys({ q: "pager-key-2", limit: 10, now })).items.map((k) => k.id)).toEqual([made[2]!.id]);
    expect((await store.directory.pageKeys({ q: made[1]!.kid.slice(0, 12), limit: 10, now })).items.map((k) => k.id)).toEqual([made[1]!.id]);
    expect((await store.directory.pageKeys({ q: "pager", userId: owner.id, limit: 10, now })).items).toHaveLength(3);
    const byName = await store.directory.addUser("zzsearchname");
    await store.directory.addKey("zzsearchname", newKeyLine());
    expect((await store.directory.pageKeys({ q: "zzsearch", limit: 10, now })).items).toHaveLength(0);
    expect((await store.directory.pageKeys({ q: "ZZsearch", searchUsernames: true, limit: 10, now })).items.map((k) => k.userId)).toEqual([byName.id]);
  });

  it("pages users by name with their key counts", async () => {
    for (const username of ["pu-a", "pu-b", "pu-c"]) await store.directory.addUser(username);
    await store.directory.addKey("pu-b", newKeyLine());
    const first = await store.directory.pageUsers({ q: "PU-", limit: 2 });
    expect(first.items.map((u) => [u.username, u.keyCount])).toEqual([
      ["pu-a", 0],
      ["pu-b", 1],
    ]);
    expect(first.more).toBe(true);
    const second = await store.directory.pageUsers({ q: "pu-", after: "pu-b", limit: 2 });
    expect(second.items.map((u) => u.username)).toEqual(["pu-c"]);
    expect(second.more).toBe(false);
  });

  it("tells listeners about every change", async () => {
    const changes: string[] = [];
    store.directory.onChange((change) => changes.push(change.kind));
    await store.directory.addUser("noticed");
    await store.directory.addKey("noticed", newKeyLine());
    expect(changes).toEqual(["user", "key"]);
  });
});
