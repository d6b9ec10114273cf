import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DirectoryError, type SshKeyStore } from "../../../strategy/store/index.js";
import { refusalOf } from "../../support/refusal.js";
import { adapterNames, openAdapter, type OpenedStore } from "./adapters.js";

describe.each(adapterNames)("JwksEndpointStore on %s", (name) => {
  let opened: OpenedStore;
  let store: SshKeyStore;
  beforeAll(async () => {
    opened = await openAdapter(name);
    store = opened.store;
    await store.directory.addUser("alice");
    await store.directory.addUser("bob");
  });
  afterAll(() => opened?.close());

  const code = async (promise: Promise<unknown>) => (await refusalOf(promise, DirectoryError)).code;

  it("adds a URL normalised, lists it per user oldest first, refuses the same URL twice for one user but not for another", async () => {
    const added = await store.jwks.add("alice", "HTTPS://Keys.Example.COM/jwks.json");
    expect(added).toMatchObject({ username: "alice", url: "https://keys.example.com/jwks.json", lastUsedAt: null, lastFetchedAt: null, lastFetchError: null });
    await store.jwks.add("alice", "https://other.example/.well-known/jwks.json");
    expect((await store.jwks.list("alice")).map((e) => e.url)).toEqual(["https://keys.example.com/jwks.json", "https://other.example/.well-known/jwks.json"]);
    expect((await store.jwks.forUser(added.userId)).map((e) => e.id)[0]).toBe(added.id);
    expect(await code(store.jwks.add("alice", "https://keys.example.com/jwks.json"))).toBe("conflict");
    expect((await store.jwks.add("bob", "https://keys.example.com/jwks.json")).username).toBe("bob");
  });

  it("refuses what is not an http(s) URL, carries credentials or a fragment, and unknown users", async () => {
    for (const url of [
      "keys.example.com/jwks",
      "ftp://example.com/jwks",
      "javascript:alert(1)",
      "https://u:p@example.com/",
      "https://example.com/#x",
      `https://example.com/${"a".repeat(2100)}`,
    ]) {
      expect(await code(store.jwks.add("alice", url)), url).toBe("invalid");
    }
    expect(await code(store.jwks.add("nobody", "https://example.com/jwks"))).toBe("not_found");
    expect(await code(store.jwks.list("nobody"))).toBe("not_found");
    expect(await code(store.jwks.list("nul\u0000"))).toBe("not_found");
  });

  it("records last use and fetch outcomes (on every user's row for that URL) and removes by URL", async () => {
    const [alice] = await store.jwks.list("alice");
    await store.jwks.markUsed(alice!.id, new Date(1_700_000_000_000));
    await store.jwks.recordFetch("https://keys.example.com/jwks.json", new Date(1_700_000_001_000), "the JWKS endpoint did not answer in time");
    const [after] = await store.jwks.list("alice");
    expect(after).toMatchObject({
      lastUsedAt: new Date(1_700_000_000_000),
      lastFetchedAt: new Date(1_700_000_001_000),
      lastFetchError: "the JWKS endpoint did not answer in time",
    });
    expect((await store.jwks.list("bob"))[0]?.lastFetchError).toBe("the JWKS endpoint did not answer in time");
    await store.jwks.recordFetch("https://keys.example.com/jwks.json", new Date(1_700_000_002_000), null);
    expect((await store.jwks.list("bob"))[0]?.lastFetchError).toBeNull();
    expect((await store.jwks.remove("alice", "https://KEYS.example.com/jwks.json")).id).toBe(alice!.id);
    expect(await code(store.jwks.remove("alice", "https://keys.example.com/jwks.json"))).toBe("not_found");
    expect(await code(store.jwks.remove("alice", "not a url"))).toBe("not_found");
  });

  it("holds at most ten URLs per user, and deleting the user deletes them", async () => {
    await store.directory.addUser("carol");
    for (let i = 0; i < 10; i++) await store.jwks.add("carol", `https://example.com/${i}`);
    expect(await code(store.jwks.add("carol", "https://example.com/10"))).toBe("too_many_keys");
    const userId = (await store.jwks.list("carol"))[0]!.userId;
    await store.directory.removeUser("carol");
    expect(await store.jwks.forUser(userId)).toEqual([]);
  });
});
