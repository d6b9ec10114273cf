// The key inventory's store side (issue 18): every sort column pages each key exactly once in
// the same order on every adapter, filters combine, totals count by state, and an identity
// (SHA-256 or MD5 fingerprint) finds exactly one key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keySortColumns, keySortPosition, compareKeyPositions, type KeySort } from "../../../strategy/core/key-sort.js";
import type { KeyRecord, SshKeyStore } from "../../../strategy/store/index.js";
import { newKeyLine } from "../../admin/support.js";
import { adapterNames, openAdapter, type OpenedStore } from "./adapters.js";
import { freshKeyPair } from "../../support/fresh-keys.js";
import { publicKeyFromKeyObject } from "../../../strategy/keys/index.js";

describe.each(adapterNames)("key inventory on %s", (name) => {
  let opened: OpenedStore;
  let store: SshKeyStore;
  const keys: KeyRecord[] = [];
  const now = new Date(Date.UTC(2030, 5, 1));
  const t0 = Date.UTC(2030, 0, 1);

  beforeAll(async () => {
    opened = await openAdapter(name, { now: () => t0 });
    store = opened.store;
    const ann = await store.directory.addUser("inv-ann");
    await store.directory.addUser("inv-bob");
    const rsa = publicKeyFromKeyObject(freshKeyPair("rsa", { modulusLength: 2048 }).publicKey).openssh;
    // Equal comments and use counts, so ties must fall back to the id.
    const specs = [
      { user: "inv-ann", line: newKeyLine(), comment: "alpha", uses: 2 },
      { user: "inv-bob", line: newKeyLine(), comment: "beta", uses: 0 },
      { user: "inv-ann", line: rsa, comment: "alpha", uses: 1 },
      { user: "inv-bob", line: newKeyLine(), comment: "gamma", uses: 2 },
      { user: "inv-ann", line: newKeyLine(), comment: "delta", uses: 0 },
    ];
    for (const [i, spec] of specs.entries()) {
      const key = await store.directory.addKey(spec.user, spec.line, {
        comment: spec.comment,
        expiresAt: i % 2 === 0 ? new Date(t0 + (10 - i) * 86_400_000) : null,
        origin: i === 3 ? "import" : "upload",
      });
      keys.push(key);
      for (let u = 0; u < spec.uses; u++) {
        store.events.record({
          at: new Date(t0 + (i + 1) * 3_600_000 + u),
          scheme: "jwt",
          outcome: "success",
          errorCode: null,
          userId: key.userId,
          username: key.username,
          keyId: key.id,
          ip: null,
          userAgent: null,
        });
      }
    }
    await store.events.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await store.directory.revokeKeyById(keys[1]!.id, "lost", new Date(t0));
    expect(ann.username).toBe("inv-ann");
  });
  afterAll(() => opened?.close());

  async function pageThrough(sort: KeySort, limit: number): Promise<string[]> {
    const seen: string[] = [];
    let after;
    for (;;) {
      const page = await store.directory.pageKeys({ sort, after, limit, now });
      seen.push(...page.items.map((k) => k.id));
      const last = page.items[page.items.length - 1];
      if (!page.more || !last) return seen;
      after = keySortPosition(last, sort.column);
    }
  }

  it("pages every sort column, both ways, each key once and in the one order (nulls last)", async () => {
    const usedKeys = await store.directory.listKeys();
    expect(usedKeys.filter((k) => k.lastUsedAt !== null)).toHaveLength(3);
    for (const column of keySortColumns) {
      for (const order of ["asc", "desc"] as const) {
        const expected = [...usedKeys].sort((a, b) => compareKeyPositions(keySortPosition(a, column), keySortPosition(b, column), order)).map((k) => k.id);
        expect(await pageThrough({ column, order }, 2), `${column} ${order}`).toEqual(expected);
      }
    }
    const byLastUse = await pageThrough({ column: "lastUsed", order: "asc" }, 10);
    expect(usedKeys.find((k) => k.id === byLastUse.at(-1))!.lastUsedAt).toBeNull();
  });

  it("filters by type, origin, owner and last use, and counts by state", async () => {
    const ids = async (filter: Parameters<typeof store.directory.pageKeys>[0]) => (await store.directory.pageKeys(filter)).items.map((k) => k.comment).sort();
    expect(await ids({ type: "ssh-rsa", limit: 10, now })).toEqual(["alpha"]);
    expect(await ids({ origin: "import", limit: 10, now })).toEqual(["gamma"]);
    expect(await ids({ lastUsedAfter: new Date(t0 + 2 * 3_600_000), limit: 10, now })).toEqual(["alpha", "gamma"]);
    expect(await ids({ lastUsedBefore: new Date(t0 + 2 * 3_600_000), limit: 10, now })).toEqual(["alpha"]);
    const bob = await store.directory.findUser("inv-bob");
    expect(await ids({ userId: bob.id, limit: 10, now })).toEqual(["beta", "gamma"]);
    // now is past every expiry: keys 0, 2, 4 expired; 1 revoked; 3 active.
    expect(await store.directory.countKeys({ now })).toEqual({ matching: 5, byStatus: { active: 1, revoked: 1, expired: 3, unverified: 0 } });
    expect(await store.directory.countKeys({ now, status: "expired", userId: bob.id })).toEqual({
      matching: 0,
      byStatus: { active: 1, revoked: 1, expired: 0, unverified: 0 },
    });
  });

  it("finds exactly one key by its SHA-256 or MD5 fingerprint", async () => {
    const key = keys[2]!;
    expect((await store.directory.pageKeys({ identity: { fingerprintSha256: key.fingerprintSha256 }, limit: 10, now })).items.map((k) => k.id)).toEqual([
      key.id,
    ]);
    expect((await store.directory.pageKeys({ identity: { fingerprintMd5: key.fingerprintMd5 }, limit: 10, now })).items.map((k) => k.id)).toEqual([key.id]);
    expect((await store.directory.pageKeys({ identity: { fingerprintMd5: "00:".repeat(15) + "00" }, limit: 10, now })).items).toEqual([]);
  });
});
