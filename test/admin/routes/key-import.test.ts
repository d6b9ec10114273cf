// Key import through the admin API, on the store the strategy reads: a user imports their own
// keys from a loopback server playing GitHub, proves holding one with `ssh-keygen -Y sign`, and
// only then signs in with it; other users' sources and keys stay out of reach.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../support/databases.js";
import { gitlabRateLimited, startFakeForge, type FakeForge } from "../../support/fake-forge.js";
import { startTestServer, type MemoryTestServer } from "../../support/server.js";
import { KeyDir } from "../../support/ssh-keygen.js";
import { signedSshsig } from "../../support/sshsig.js";
import { signInTo, type Client } from "../support.js";

describe.each(["memory", ...databaseKinds] as const)("key import in the admin API on %s", (kind) => {
  const keys = new KeyDir();
  let t: MemoryTestServer;
  let forge: FakeForge;
  let root: Client;
  let alice: Client;
  let bob: Client;
  const pub: Record<string, string> = {};

  beforeAll(async () => {
    forge = await startFakeForge();
    for (const name of ["laptop", "other", "bobs"]) pub[name] = keys.sshKeygen(name, "ed25519").trim();
    const options = { exposeErrorCodes: true, admin: { keyImport: { githubUrl: forge.url, gitlabUrl: forge.url, allowPrivateAddresses: true } } };
    t = kind === "memory" ? await startTestServer("memory", options) : await startTestServer(kind, options);
    await t.store.directory.addUser("root", { isAdmin: true });
    for (const name of ["alice", "bob"]) await t.store.directory.addUser(name);
    [root, alice, bob] = (await Promise.all(["root", "alice", "bob"].map((name) => signInTo(t.url, t.store, name)))) as [Client, Client, Client];
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await forge?.close();
    keys.cleanup();
  });

  const login = async (key: string, username = "alice") => {
    t.clock.now = Date.now();
    const authorization = signedSshsig(keys.path(key), { username, host: new URL(t.url).host, time: Math.floor(t.clock.now / 1000) });
    const r = await fetch(`${t.url}/whoami`, { headers: { authorization } });
    return { status: r.status, code: ((await r.json()) as { error?: { code: string } }).error?.code };
  };
  const sign = (key: string, text: string) =>
    execFileSync("ssh-keygen", ["-Y", "sign", "-n", "passport-sshkey-verify", "-f", keys.path(key)], {
      input: text,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
    });

  it("a user imports their keys: stored unverified with their source, refused at sign-in with key_unverified", async () => {
    forge.answers.set("/alice.keys", { body: `${pub.laptop}\n${pub.other}\n` });
    const r = await alice.call("POST", "/key-sources", { source: "gh:alice" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.source).toMatchObject({ username: "alice", kind: "github", ref: "gh:alice", lastError: null, retryAfter: null });
    expect(r.body.added).toHaveLength(2);
    for (const key of r.body.added)
      expect(key).toMatchObject({ status: "unverified", origin: "import", originRef: "gh:alice", unverified: true, verifiedAt: null });
    const listed = await alice.call("GET", "/keys?status=unverified");
    expect(listed.body.keys).toHaveLength(2);
    expect((await alice.call("GET", "/key-sources")).body.sources.map((s: { ref: string }) => s.ref)).toEqual(["gh:alice"]);
    expect(await login("laptop")).toEqual({ status: 401, code: "key_unverified" });
    expect(await (await fetch(`${t.url}/alice.keys`)).text()).toBe("");
  });

  it("the key's challenge, signed by another key, is refused; signed by the key, it verifies it and the key signs in", async () => {
    const laptop = (await alice.call("GET", "/keys")).body.keys.find((k: { openssh: string }) => pub.laptop!.startsWith(k.openssh));
    const challenge = await alice.call("GET", `/keys/${laptop.id}/challenge`);
    expect(challenge.status).toBe(200);
    expect(challenge.body).toEqual({
      challenge: expect.stringMatching(/^passport-sshkey verify SHA256:/),
      namespace: "passport-sshkey-verify",
      command: `echo -n '${challenge.body.challenge}' | ssh-keygen -Y sign -n passport-sshkey-verify -f ~/.ssh/id_ed25519`,
    });
    const forged = await alice.call("POST", `/keys/${laptop.id}/verify`, { signature: sign("other", challenge.body.challenge) });
    expect([forged.status, forged.body.error.code]).toEqual([400, "possession_not_proven"]);
    for (const body of [{}, { signature: "" }, { signature: 7 }, { signature: "x".repeat(17 * 1024) }, { signature: "x", extra: 1 }]) {
      expect((await alice.call("POST", `/keys/${laptop.id}/verify`, body)).status, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
    expect(
      (await alice.call("POST", `/keys/${laptop.id}/verify`, { signature: "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n" })).body.error
        .code,
    ).toBe("possession_not_proven");
    // Another user's key is not there for bob, not even to read its challenge.
    expect((await bob.call("GET", `/keys/${laptop.id}/challenge`)).body.error.code).toBe("key_not_found");
    expect((await bob.call("POST", `/keys/${laptop.id}/verify`, { signature: sign("laptop", challenge.body.challenge) })).body.error.code).toBe(
      "key_not_found",
    );
    const noCsrf = await alice.call("POST", `/keys/${laptop.id}/verify`, { signature: sign("laptop", challenge.body.challenge) }, { "x-csrf-token": "wrong" });
    expect([noCsrf.status, noCsrf.body.error.code]).toEqual([403, "csrf_failed"]);
    const verified = await alice.call("POST", `/keys/${laptop.id}/verify`, { signature: sign("laptop", challenge.body.challenge) });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
    expect(verified.body.key).toMatchObject({ status: "active", unverified: false, verifiedAt: expect.any(String), originRef: "gh:alice" });
    expect((await alice.call("POST", `/keys/${laptop.id}/verify`, { signature: sign("laptop", challenge.body.challenge) })).body.error.code).toBe(
      "key_verified",
    );
    await expect.poll(async () => (await login("laptop")).status).toBe(200);
    expect(await login("other")).toEqual({ status: 401, code: "key_unverified" });
    expect(await (await fetch(`${t.url}/alice.keys`)).text()).toBe(`${pub.laptop!.split(" ").slice(0, 2).join(" ")}\n`);
  });

  it("sources are their owner's (or an admin's); who holds a skipped key is told to admins only", async () => {
    const [source] = (await alice.call("GET", "/key-sources")).body.sources;
    expect((await bob.call("GET", "/key-sources?user=alice")).body.error.code).toBe("forbidden");
    expect((await bob.call("POST", "/key-sources", { source: "gh:alice", username: "alice" })).body.error.code).toBe("forbidden");
    expect((await bob.call("POST", `/key-sources/${source.id}/sync`)).body.error.code).toBe("key_source_not_found");
    expect((await bob.call("DELETE", `/key-sources/${source.id}`)).body.error.code).toBe("key_source_not_found");
    expect((await root.call("GET", "/key-sources?user=alice")).body.sources).toHaveLength(1);
    expect((await root.call("POST", `/key-sources/${source.id}/sync`)).body).toMatchObject({ unchanged: 2, added: [], revoked: [] });
    forge.answers.set("/bob.keys", { body: `${pub.laptop}\n${pub.bobs}\n` });
    const own = await bob.call("POST", "/key-sources", { source: "gh:bob" });
    expect(own.body.skipped).toEqual([{ fingerprintSha256: expect.any(String), reason: "another_user" }]);
    forge.answers.set("/bob.keys", { body: `${pub.laptop}\n${pub.bobs}\n` });
    const asAdmin = await root.call("POST", "/key-sources", { source: "gh:bob", username: "bob" });
    expect(asAdmin.body.skipped).toEqual([{ fingerprintSha256: expect.any(String), reason: "another_user", holder: "alice" }]);
    expect((await root.call("POST", "/key-sources", { source: "gh:x", username: "nobody" })).body.error.code).toBe("user_not_found");
  });

  it("a rate limit is a 429 with Retry-After and keeps the keys; upstream errors and bad sources have their own codes", async () => {
    forge.answers.set("/alice.keys", gitlabRateLimited(90));
    const [source] = (await alice.call("GET", "/key-sources")).body.sources;
    const limited = await alice.call("POST", `/key-sources/${source.id}/sync`);
    expect([limited.status, limited.body.error.code, limited.headers.get("retry-after")]).toEqual([429, "upstream_rate_limited", "90"]);
    expect(limited.body.error).toMatchObject({ retryAfter: 90, retryAt: expect.any(String) });
    const again = await alice.call("POST", `/key-sources/${source.id}/sync`);
    expect(again.status).toBe(429);
    expect((await alice.call("GET", "/key-sources")).body.sources[0]).toMatchObject({
      retryAfter: limited.body.error.retryAt,
      lastError: expect.stringMatching(/rate limiting/),
    });
    expect((await alice.call("GET", "/keys?status=active")).body.keys).toHaveLength(1);
    expect((await alice.call("GET", "/keys?status=unverified")).body.keys).toHaveLength(1);
    const missing = await alice.call("POST", "/key-sources", { source: "gh:nobody" });
    expect([missing.status, missing.body.error.code]).toEqual([404, "upstream_not_found"]);
    forge.answers.set("/down.keys", { status: 500, body: "oops" });
    expect((await alice.call("POST", "/key-sources", { source: "gitlab:down" })).status).toBe(503);
    for (const body of [{ source: "ftp://example.com/x" }, { source: "gh:" }]) {
      const r = await alice.call("POST", "/key-sources", body);
      expect([r.status, r.body.error.code]).toEqual([400, "invalid_source"]);
    }
    for (const body of [{}, { source: 7 }, { source: "gh:alice", extra: true }, { source: "x".repeat(3000) }]) {
      expect((await alice.call("POST", "/key-sources", body)).status, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
    expect((await alice.call("POST", "/key-sources", "{not json")).body.error.code).toBe("malformed_json");
  });

  it("removing a source keeps its keys with their provenance", async () => {
    const [source] = (await alice.call("GET", "/key-sources")).body.sources;
    expect((await alice.call("DELETE", `/key-sources/${source.id}`)).body).toEqual({ deleted: true, id: source.id });
    expect((await alice.call("GET", "/key-sources")).body.sources).toEqual([]);
    const left = (await alice.call("GET", "/keys")).body.keys;
    expect(left.map((k: { originRef: string; sourceId: string | null }) => [k.originRef, k.sourceId])).toEqual([
      ["gh:alice", null],
      ["gh:alice", null],
    ]);
    expect((await alice.call("DELETE", `/key-sources/${source.id}`)).body.error.code).toBe("key_source_not_found");
  });
});
