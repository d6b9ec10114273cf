// The importer against a loopback server playing GitHub and GitLab, on every store.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ImportError } from "../../strategy/import/errors.js";
import { KeyImporter } from "../../strategy/import/key-importer.js";
import { keyImportSettings, type KeyImportOptions } from "../../strategy/import/options.js";
import { nonPublicRefusal } from "../../strategy/net/address-policy.js";
import { newKeyLine } from "../admin/support.js";
import { writeKeyPolicy } from "../../strategy/policy/setting.js";
import { publicKeyFromKeyObject } from "../../strategy/keys/index.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { startFakeForge, githubRateLimited, gitlabRateLimited, type FakeForge } from "../support/fake-forge.js";
import { refusalOf } from "../support/refusal.js";
import { adapterNames, openAdapter, type OpenedStore } from "../store/ports/adapters.js";

const fingerprintOf = async (opened: OpenedStore, line: string) => (await opened.store.directory.addKey("scratch", line)).fingerprintSha256;

describe.each(adapterNames)("KeyImporter on %s", (name) => {
  let opened: OpenedStore;
  let forge: FakeForge;
  const clock = { now: Date.parse("2026-06-01T00:00:00Z") };
  const importer = (options: KeyImportOptions = {}) =>
    new KeyImporter({
      ...opened.store,
      options: keyImportSettings({ githubUrl: forge.url, gitlabUrl: forge.url, allowPrivateAddresses: true, timeoutMs: 2000, ...options }),
      now: () => clock.now,
    });
  const refusal = (promise: Promise<unknown>) => refusalOf(promise, ImportError);
  const keysOf = async (username: string) => opened.store.directory.listKeys(username);
  let users = 0;
  let user: string;

  beforeAll(async () => {
    opened = await openAdapter(name, { now: () => clock.now });
    forge = await startFakeForge();
    await opened.store.directory.addUser("scratch");
  });
  afterAll(async () => {
    await forge?.close();
    await opened?.close();
  });
  beforeEach(async () => {
    user = `user${++users}`;
    await opened.store.directory.addUser(user);
    forge.answers.clear();
  });

  it("imports a list unverified, with its provenance; importing again syncs the one source", async () => {
    const [a, b] = [newKeyLine("a@laptop"), newKeyLine()];
    forge.answers.set(`/${user}.keys`, { body: `${a}\n\n# a comment\n${b}\n` });
    const report = await importer().importFrom(user, `gh:${user}`);
    expect(report.added).toHaveLength(2);
    expect(report.refused).toEqual([]);
    expect(report.source).toMatchObject({ kind: "github", ref: `gh:${user}`, url: `${forge.url}/${user}.keys`, lastError: null });
    for (const key of report.added) expect(key).toMatchObject({ origin: "import", originRef: `gh:${user}`, sourceId: report.source.id, unverified: true });
    const again = await importer().importFrom(user, `gh:${user}`);
    expect([again.added.length, again.unchanged, again.source.id]).toEqual([0, 2, report.source.id]);
    expect(await opened.store.keySources.list(user)).toHaveLength(1);
  });

  it("a re-sync revokes keys gone upstream (provenance kept) and adds new ones unverified", async () => {
    const [a, b, c] = [newKeyLine(), newKeyLine(), newKeyLine()];
    forge.answers.set(`/${user}.keys`, { body: `${a}\n${b}\n` });
    const first = await importer().importFrom(user, `gh:${user}`);
    forge.answers.set(`/${user}.keys`, { body: `${b}\n${c}\n` });
    const report = await importer().sync(first.source);
    expect(report.added.map((k) => k.openssh)).toEqual([c]);
    expect(report.revoked).toHaveLength(1);
    expect(report.revoked[0]).toMatchObject({ openssh: a, revokedReason: `removed from gh:${user}`, originRef: `gh:${user}`, origin: "import" });
    expect(report.unchanged).toBe(1);
    // An empty list is a user with no keys upstream: everything of the source goes.
    forge.answers.set(`/${user}.keys`, { body: "" });
    expect((await importer().sync(report.source)).revoked).toHaveLength(2);
    expect((await keysOf(user)).every((k) => k.revokedAt !== null)).toBe(true);
  });

  it("a list with unreadable lines adds what it can but revokes nothing; one with no key at all is refused", async () => {
    const [a, b] = [newKeyLine(), newKeyLine()];
    forge.answers.set(`/${user}.keys`, { body: `${a}\n${b}\n` });
    const first = await importer().importFrom(user, `gh:${user}`);
    forge.answers.set(`/${user}.keys`, { body: `${a}\nssh-ed25519 AAAA-garbage\n\u0000\u0001binary\n` });
    const garbled = await importer().sync(first.source);
    expect(garbled.refused.map((r) => [r.line, r.code])).toEqual([
      [2, expect.stringMatching(/^malformed/)],
      [3, expect.any(String)],
    ]);
    expect([garbled.revoked.length, garbled.removalsHeld]).toEqual([0, true]);
    for (const body of ["<html><body>Sign in</body></html>", "ssh-rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\nxx\n-----END OPENSSH PRIVATE KEY-----\n"]) {
      forge.answers.set(`/${user}.keys`, { body });
      expect((await refusal(importer().sync(first.source))).code, body).toBe("upstream_unavailable");
    }
    expect((await keysOf(user)).filter((k) => !k.revokedAt)).toHaveLength(2);
    expect((await opened.store.keySources.find(user, `gh:${user}`)).lastError).toMatch(/not a list of SSH public keys/);
  });

  it("a key the key policy refuses is reported with its line; the rest of the list is stored and the next sync works", async () => {
    const rsa = publicKeyFromKeyObject(freshKeyPair("rsa", { modulusLength: 2048 }).publicKey).openssh;
    const ed = newKeyLine();
    await writeKeyPolicy(opened.store, { keyTypes: ["rsa"] });
    try {
      forge.answers.set(`/${user}.keys`, { body: `${ed}\n${rsa}\n` });
      const report = await importer().importFrom(user, `gh:${user}`);
      expect(report.added.map((k) => k.openssh)).toEqual([rsa]);
      expect(report.refused).toEqual([{ line: 1, code: "breaks_key_policy", message: expect.stringContaining("Ed25519 keys (ed25519) are not allowed") }]);
      expect(report.source.lastError).toBeNull();
      const again = await importer().sync(report.source);
      expect([again.added.length, again.unchanged, again.refused.map((r) => r.code)]).toEqual([0, 1, ["breaks_key_policy"]]);
    } finally {
      await writeKeyPolicy(opened.store, {}, { reset: true });
    }
  });

  it("a key held already is reported, not duplicated: as one of yours, or as another user's", async () => {
    const mine = newKeyLine();
    const theirs = newKeyLine();
    await opened.store.directory.addKey(user, mine);
    const theirFingerprint = await fingerprintOf(opened, theirs);
    forge.answers.set(`/${user}.keys`, { body: `${mine}\n${theirs}\n` });
    const report = await importer().importFrom(user, `gh:${user}`);
    expect(report.added).toEqual([]);
    expect(report.skipped).toEqual([
      { fingerprintSha256: expect.any(String), reason: "yours" },
      { fingerprintSha256: theirFingerprint, reason: "another_user", holder: "scratch" },
    ]);
  });

  it("GitHub's rate limit: keys kept, the reset recorded, no fetch before it, then a fetch", async () => {
    const a = newKeyLine();
    forge.answers.set(`/${user}.keys`, { body: `${a}\n` });
    const { source } = await importer().importFrom(user, `gh:${user}`);
    const resetAt = clock.now + 15 * 60_000;
    forge.answers.set(`/${user}.keys`, githubRateLimited(resetAt));
    const limited = await refusal(importer().sync(source));
    expect(limited.code).toBe("rate_limited");
    expect(limited.detail?.retryAfter).toEqual(new Date(Math.ceil(resetAt / 1000) * 1000));
    expect(limited.message).toContain(new Date(Math.ceil(resetAt / 1000) * 1000).toISOString());
    const stored = await opened.store.keySources.find(user, `gh:${user}`);
    expect(stored.retryAfter).toEqual(limited.detail?.retryAfter);
    const fetches = forge.requests.length;
    expect((await refusal(importer().sync(stored))).code).toBe("rate_limited");
    expect(forge.requests.length).toBe(fetches);
    expect((await keysOf(user)).filter((k) => !k.revokedAt)).toHaveLength(1);
    clock.now = resetAt + 1000;
    forge.answers.set(`/${user}.keys`, { body: `${a}\n` });
    expect((await importer().sync(stored)).source).toMatchObject({ retryAfter: null, lastError: null });
  });

  it("GitLab's 429 with Retry-After, and a secondary limit (403 with Retry-After)", async () => {
    forge.answers.set(`/${user}.keys`, { body: `${newKeyLine()}\n` });
    const { source } = await importer().importFrom(user, `gitlab:${user}`);
    expect(source).toMatchObject({ kind: "gitlab", ref: `gitlab:${user}` });
    forge.answers.set(`/${user}.keys`, gitlabRateLimited(120));
    expect((await refusal(importer().sync(source))).detail?.retryAfter).toEqual(new Date(clock.now + 120_000));
    clock.now += 121_000;
    forge.answers.set(`/${user}.keys`, { status: 403, headers: { "retry-after": "30" } });
    expect((await refusal(importer().sync(source))).detail?.retryAfter).toEqual(new Date(clock.now + 30_000));
  });

  it("an unknown login is a clear error and stores no source; other statuses, huge and slow bodies fail without touching keys", async () => {
    const missing = await refusal(importer().importFrom(user, "gh:nobody-here"));
    expect([missing.code, missing.message]).toEqual(["upstream_not_found", "gh:nobody-here: upstream knows no such user or list (HTTP 404)"]);
    expect(await opened.store.keySources.list(user)).toEqual([]);
    const cases: [string, object, RegExp][] = [
      ["500", { status: 500, body: "oops" }, /answered HTTP 500$/],
      ["redirect", { status: 302, headers: { location: "https://example.com/x.keys" } }, /redirects are not followed/],
      ["huge", { body: `${newKeyLine()}\n`.repeat(2000) }, /larger than 65536 bytes/],
      ["huge-chunked", { body: "x".repeat(70_000), headers: { "transfer-encoding": "chunked" } }, /larger than 65536 bytes/],
      ["slow", { body: "x", delayMs: 1500 }, /did not answer in time/],
      ["stalled", { body: `${newKeyLine()}\n`, stall: true }, /did not answer in time/],
      ["latin1", { body: Buffer.from("ssh-ed25519 \xff\xfe", "latin1") }, /not UTF-8 text/],
    ];
    for (const [what, answer, message] of cases) {
      forge.answers.set(`/${what}.keys`, answer);
      const error = await refusal(importer({ timeoutMs: 500 }).importFrom(user, `${forge.url}/${what}.keys`));
      expect([error.code, error.message], what).toEqual(["upstream_unavailable", expect.stringMatching(message)]);
    }
  });

  it("refuses sources that are not one, plain http off loopback, and internal addresses unless allowed", async () => {
    for (const ref of [
      "",
      "gh:",
      "gh:-x",
      "gh:a/b",
      `gh:${"a".repeat(40)}`,
      "gitlab:",
      "gitlab:bad host/x",
      "gitlab:h/",
      "ftp://x/k",
      "https://u:p@x/k",
      "https://x/k#f",
      "alice",
    ]) {
      expect((await refusal(importer().importFrom(user, ref))).code, ref).toBe("invalid_source");
    }
    expect((await refusal(importer({ allowPrivateAddresses: false }).importFrom(user, `gh:${user}`))).message).toMatch(/only https:\/\/ key lists/);
    const internal = await refusal(importer({ allowPrivateAddresses: false }).importFrom(user, "https://127.0.0.1:1/k.keys"));
    expect([internal.code, internal.message]).toEqual(["upstream_unavailable", `https://127.0.0.1:1/k.keys: ${nonPublicRefusal}`]);
    expect(importer().parse("gitlab:GitLab.Example.com:8443/alice")).toEqual({
      kind: "gitlab",
      ref: "gitlab:gitlab.example.com:8443/alice",
      url: "https://gitlab.example.com:8443/alice.keys",
    });
  });
});
