// GET/PUT /api/policy: anyone signed in reads it, administrators change it (CSRF-checked, 400
// naming the field on bad input), console uploads that break it are refused naming the rule.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultKeyPolicy } from "../../../strategy/contract/policy.js";
import { databaseKinds } from "../../support/databases.js";
import { newKeyLine, signIn, startAdminServer, type AdminServer } from "../support.js";

describe.each(databaseKinds)("the key policy API on %s", (kind) => {
  let server: AdminServer;

  beforeAll(async () => {
    server = await startAdminServer(kind);
    await server.store.directory.addUser("root", { isAdmin: true });
    await server.store.directory.addUser("alice");
    await server.store.directory.addKey("alice", newKeyLine("old laptop"));
  });
  afterAll(() => server?.close());

  it("anyone signed in reads the policy; only administrators see how many keys break it", async () => {
    const alice = await signIn(server, "alice");
    expect((await alice.call("GET", "/policy")).body).toEqual({ policy: defaultKeyPolicy, storedError: null, breakingKeys: null });
    const root = await signIn(server, "root");
    expect((await root.call("GET", "/policy")).body).toEqual({ policy: defaultKeyPolicy, storedError: null, breakingKeys: 0 });
  });

  it("a non-admin cannot change it; a PUT without the CSRF token is refused", async () => {
    const alice = await signIn(server, "alice");
    expect((await alice.call("PUT", "/policy", { minRsaBits: 4096 })).body.error.code).toBe("forbidden");
    const root = await signIn(server, "root");
    const r = await root.call("PUT", "/policy", { minRsaBits: 4096 }, { "x-csrf-token": "wrong" });
    expect([r.status, r.body.error.code]).toEqual([403, "csrf_failed"]);
    expect((await root.call("GET", "/policy")).body.policy.minRsaBits).toBe(2048);
  });

  it("an administrator changes fields; the answer counts the keys that now break it; the audit log has before and after", async () => {
    const root = await signIn(server, "root");
    const r = await root.call("PUT", "/policy", { disableUnusedAfterDays: 180, keyTypes: ["rsa", "sk-ed25519"] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      policy: { ...defaultKeyPolicy, disableUnusedAfterDays: 180, keyTypes: ["rsa", "sk-ed25519"] },
      storedError: null,
      breakingKeys: 1,
    });
    const listed = await root.call("GET", "/keys?user=alice");
    expect(listed.body.keys.map((k: { comment: string; policyBreaks: string[] }) => [k.comment, k.policyBreaks])).toEqual([
      // The database stamped the key's createdAt; this server's clock runs years ahead of it.
      [
        "old laptop",
        [
          "Ed25519 keys (ed25519) are not allowed by the key policy (allowed: rsa, sk-ed25519)",
          expect.stringMatching(/^never used in the \d+ days since it was added; the key policy disables keys unused for 180 days$/),
        ],
      ],
    ]);
    const detail = await root.call("GET", `/keys/${listed.body.keys[0].id}`);
    expect(detail.body.key.policyBreaks).toEqual(listed.body.keys[0].policyBreaks);
    const [entry] = (await server.store.audit.page({ action: "policy.changed", limit: 1 })).items;
    expect(entry).toMatchObject({ actor: { type: "user", name: "root" }, before: { disableUnusedAfterDays: null }, after: { disableUnusedAfterDays: 180 } });
  });

  it("hostile input: 400 naming the field, nothing stored", async () => {
    const root = await signIn(server, "root");
    const before = (await root.call("GET", "/policy")).body.policy;
    const cases: [unknown, RegExp][] = [
      [{ minRsaBits: -1 }, /^minRsaBits: /],
      [{ minRsaBits: 1e308 }, /^minRsaBits: /],
      [{ minRsaBits: "4096" }, /^minRsaBits: /],
      [{ maxKeyLifetimeDays: 0 }, /^maxKeyLifetimeDays: /],
      [{ disableUnusedAfterDays: 36501 }, /^disableUnusedAfterDays: /],
      [{ keyTypes: ["dsa"] }, /^keyTypes\.0: /],
      [{ keyTypes: [] }, /^keyTypes: allow at least one key type/],
      [{ ecdsaCurves: ["nistp256", "nistp256"] }, /^ecdsaCurves: a curve is named twice/],
      [{ requireSecurityKeysForAdmins: "yes" }, /^requireSecurityKeysForAdmins: /],
      [{ surprise: true }, /surprise/],
      [["minRsaBits"], /^body: /],
      [{ keyTypes: Array.from({ length: 10_000 }, () => "rsa") }, /^keyTypes: a key type is named twice/],
    ];
    for (const [body, message] of cases) {
      const r = await root.call("PUT", "/policy", body);
      expect([JSON.stringify(body).slice(0, 60), r.status, r.body.error.code]).toEqual([JSON.stringify(body).slice(0, 60), 400, "invalid_body"]);
      expect(r.body.error.message).toMatch(message);
    }
    const garbled = await root.call("PUT", "/policy", "{not json");
    expect([garbled.status, garbled.body.error.code]).toEqual([400, "malformed_json"]);
    expect((await root.call("GET", "/policy")).body.policy).toEqual(before);
  });

  it("a console upload that breaks the policy is refused naming the rule; one that meets it gets the lifetime as expiry", async () => {
    const root = await signIn(server, "root");
    await root.call("PUT", "/policy", { keyTypes: ["rsa"], maxKeyLifetimeDays: 90 });
    const alice = await signIn(server, "alice");
    const refused = await alice.call("POST", "/keys", { text: newKeyLine("new laptop") });
    expect([refused.status, refused.body.error.code, refused.body.error.message]).toEqual([
      400,
      "breaks_key_policy",
      "this key breaks the key policy: Ed25519 keys (ed25519) are not allowed by the key policy (allowed: rsa)",
    ]);
    await root.call("PUT", "/policy", { keyTypes: ["ed25519"] });
    const added = await alice.call("POST", "/keys", { text: newKeyLine("new laptop") });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(Date.parse(added.body.keys[0].expiresAt)).toBe(server.clock.now + 90 * 86_400_000);
  });

  it("the paste preview names the rules a key breaks for the account it is for, before the save refuses it", async () => {
    const root = await signIn(server, "root");
    await root.call("PUT", "/policy", { keyTypes: ["ed25519", "rsa", "sk-ed25519"], requireSecurityKeysForAdmins: true });
    const line = newKeyLine("spare");
    const alice = await signIn(server, "alice");
    const forAlice = await alice.call("POST", "/keys/preview", { text: line });
    expect([forAlice.status, forAlice.body.keys[0].policyBreaks]).toEqual([200, []]);
    // The same key for an administrator breaks the security-key rule, and the save agrees.
    const forRoot = await root.call("POST", "/keys/preview", { text: line });
    expect(forRoot.body.keys[0].policyBreaks).toEqual([expect.stringMatching(/security key/i)]);
    const refused = await root.call("POST", "/keys", { text: line });
    expect([refused.status, refused.body.error.code]).toEqual([400, "breaks_key_policy"]);
    expect(refused.body.error.message).toContain(forRoot.body.keys[0].policyBreaks[0]);
    // An admin previewing for alice sees alice's rules.
    const onBehalf = await root.call("POST", "/keys/preview", { text: line, username: "alice" });
    expect(onBehalf.body.keys[0].policyBreaks).toEqual([]);
    await root.call("PUT", "/policy", { requireSecurityKeysForAdmins: false, keyTypes: ["ed25519"] });
  });

  it("a stored policy that cannot be read is reported, and a PUT replaces it over the defaults", async () => {
    await server.store.settings.write("key-policy", "[]");
    const root = await signIn(server, "root");
    const r = await root.call("GET", "/policy");
    expect([r.status, r.body.storedError]).toEqual([200, "the stored key policy is invalid (Invalid input: expected object, received array)"]);
    const fixed = await root.call("PUT", "/policy", { minRsaBits: 3072 });
    expect([fixed.status, fixed.body.storedError, fixed.body.policy]).toEqual([200, null, { ...defaultKeyPolicy, minRsaBits: 3072 }]);
  });
});
