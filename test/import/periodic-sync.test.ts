import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyImporter } from "../../strategy/import/key-importer.js";
import { keyImportSettings } from "../../strategy/import/options.js";
import { startPeriodicSync } from "../../strategy/import/periodic-sync.js";
import { createMemoryStore, type SshKeyStore } from "../../strategy/store/index.js";
import { newKeyLine } from "../admin/support.js";
import { githubRateLimited, startFakeForge, type FakeForge } from "../support/fake-forge.js";

describe("the periodic sync of serve", () => {
  let forge: FakeForge;
  let store: SshKeyStore;
  let importer: KeyImporter;
  beforeAll(async () => {
    forge = await startFakeForge();
    store = createMemoryStore();
    importer = new KeyImporter({ ...store, options: keyImportSettings({ githubUrl: forge.url, allowPrivateAddresses: true }), now: Date.now });
    for (const user of ["alice", "bob"]) await store.directory.addUser(user);
  });
  afterAll(async () => {
    await forge?.close();
    await store?.close();
  });

  it("brings every source in step, skips one whose rate limit lasts, and stops", async () => {
    const [a, b, c] = [newKeyLine(), newKeyLine(), newKeyLine()];
    forge.answers.set("/alice.keys", { body: `${a}\n` });
    forge.answers.set("/bob.keys", { body: `${c}\n` });
    await importer.importFrom("alice", "gh:alice");
    const bob = (await importer.importFrom("bob", "gh:bob")).source;
    forge.answers.set("/bob.keys", githubRateLimited(Date.now() + 3600_000));
    await expect(importer.sync(bob)).rejects.toThrow(/rate limiting/);
    forge.answers.set("/alice.keys", { body: `${b}\n` });
    forge.answers.set("/bob.keys", { body: "" });
    const logged: string[] = [];
    const before = forge.requests.length;
    const stop = startPeriodicSync(importer, store.keySources, { intervalMs: 20, now: Date.now, log: (line) => logged.push(line) });
    await expect
      .poll(async () => (await store.directory.listKeys("alice")).map((k) => [k.openssh, k.revokedAt !== null]))
      .toEqual([
        [a, true],
        [b, false],
      ]);
    await stop();
    const after = forge.requests.length;
    expect(forge.requests.slice(before)).not.toContain("/bob.keys");
    expect((await store.directory.listKeys("bob")).map((k) => k.revokedAt)).toEqual([null]);
    expect(logged).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(forge.requests.length).toBe(after);
  });
});
