import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePublicKey } from "../../../strategy/keys/index.js";
import { DirectoryError, type SshKeyStore } from "../../../strategy/store/index.js";
import { newKeyLine } from "../../admin/support.js";
import { refusalOf } from "../../support/refusal.js";
import { adapterNames, openAdapter, type OpenedStore } from "./adapters.js";

const code = async (promise: Promise<unknown>) => (await refusalOf(promise, DirectoryError)).code;

describe.each(adapterNames)("KeySourceStore and unverified keys on %s", (name) => {
  let opened: OpenedStore;
  let store: SshKeyStore;
  beforeAll(async () => {
    opened = await openAdapter(name);
    store = opened.store;
    await store.directory.addUser("alice");
    await store.directory.addUser("bob");
  });
  afterAll(() => opened?.close());

  const github = { kind: "github", ref: "gh:alice", url: "https://github.com/alice.keys" } as const;

  it("creates one source per user and URL: ensuring it again answers the same row", async () => {
    const made = await store.keySources.ensure("alice", github);
    expect(made).toMatchObject({ username: "alice", kind: "github", ref: "gh:alice", lastSyncedAt: null, lastError: null, retryAfter: null });
    expect((await store.keySources.ensure("alice", github)).id).toBe(made.id);
    const bobs = await store.keySources.ensure("bob", github);
    expect(bobs.id).not.toBe(made.id);
    expect((await store.keySources.list("alice")).map((s) => s.id)).toEqual([made.id]);
    expect((await store.keySources.listAll()).map((s) => s.username).sort()).toEqual(["alice", "bob"]);
    expect((await store.keySources.find("alice", "gh:alice")).id).toBe(made.id);
    expect((await store.keySources.find("alice", "https://github.com/alice.keys")).id).toBe(made.id);
  });

  it("refuses unknown users and refs, and an eleventh source", async () => {
    expect(await code(store.keySources.list("nobody"))).toBe("not_found");
    expect(await code(store.keySources.list("nul\u0000"))).toBe("not_found");
    expect(await code(store.keySources.ensure("nobody", github))).toBe("not_found");
    expect(await code(store.keySources.find("alice", "gh:bob"))).toBe("not_found");
    expect(await code(store.keySources.remove("alice", "gh:bob"))).toBe("not_found");
    await store.directory.addUser("many");
    for (let i = 0; i < 10; i++) await store.keySources.ensure("many", { kind: "url", ref: `https://k.example/${i}`, url: `https://k.example/${i}` });
    expect(await code(store.keySources.ensure("many", { kind: "url", ref: "https://k.example/x", url: "https://k.example/x" }))).toBe("too_many_keys");
  });

  it("records a sync's outcome, one line of its error", async () => {
    const source = await store.keySources.find("alice", "gh:alice");
    const at = new Date(1_700_000_000_000);
    const retryAfter = new Date(1_700_000_600_000);
    const failed = await store.keySources.recordSync(source.id, { at, error: "rate limited\nby upstream", retryAfter });
    expect(failed).toMatchObject({ lastSyncedAt: at, lastError: "rate limited by upstream", retryAfter });
    expect(await store.keySources.recordSync(source.id, { at, error: null, retryAfter: null })).toMatchObject({ lastError: null, retryAfter: null });
    expect(await code(store.keySources.recordSync("00000000-0000-4000-8000-000000000000", { at, error: null, retryAfter: null }))).toBe("not_found");
  });

  it("stores imported keys unverified with their provenance; verifying one stamps it once", async () => {
    const source = await store.keySources.find("alice", "gh:alice");
    const alice = await store.directory.findUser("alice");
    const [key] = await store.directory.insertKeys(alice.id, [parsePublicKey(newKeyLine())], {
      origin: "import",
      originRef: "gh:alice",
      sourceId: source.id,
      unverified: true,
    });
    expect(key).toMatchObject({ origin: "import", originRef: "gh:alice", sourceId: source.id, unverified: true, verifiedAt: null });
    const now = new Date();
    expect((await store.directory.pageKeys({ userId: alice.id, status: "unverified", limit: 10, now })).items.map((k) => k.id)).toEqual([key!.id]);
    expect((await store.directory.pageKeys({ userId: alice.id, status: "active", limit: 10, now })).items).toEqual([]);
    const found = await store.keys.findByFingerprint(key!.fingerprintSha256);
    expect(found?.key.unverified).toBe(true);
    const at = new Date(1_700_000_000_000);
    expect(await store.directory.markKeyVerified(key!.id, at)).toMatchObject({ unverified: false, verifiedAt: at });
    expect((await store.directory.markKeyVerified(key!.id, new Date())).verifiedAt).toEqual(at);
    expect((await store.keys.findByFingerprint(key!.fingerprintSha256))?.key.unverified).toBe(false);
    expect(await code(store.directory.markKeyVerified("00000000-0000-4000-8000-000000000000", at))).toBe("not_found");
    const uploaded = await store.directory.addKey("alice", newKeyLine());
    expect(uploaded).toMatchObject({ origin: "upload", originRef: null, sourceId: null, unverified: false });
  });

  it("removing a source keeps its keys, without the link but with their provenance; removing the user removes the sources", async () => {
    const removed = await store.keySources.remove("alice", "gh:alice");
    const keys = (await store.directory.listKeys("alice")).filter((k) => k.origin === "import");
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ sourceId: null, originRef: "gh:alice" });
    expect(await code(store.keySources.find("alice", removed.ref))).toBe("not_found");
    await store.directory.removeUser("bob");
    expect((await store.keySources.listAll()).some((s) => s.username === "bob")).toBe(false);
  });
});
