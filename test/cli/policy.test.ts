// `passport-sshkey policy show|set` against a running server's database: a change reaches the
// server's next sign-ins within a second, `keys add` meets the policy, bad input is refused
// naming the option and changes nothing, and a broken stored policy is reported and repaired.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultKeyPolicy } from "../../strategy/contract/policy.js";
import { keyPolicySettingKey } from "../../strategy/policy/setting.js";
import { runCli } from "../support/cli.js";
import { databaseKinds } from "../support/databases.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { getJson, startTestServer, type TestServer } from "../support/server.js";
import { jwtFor, spkiPem } from "../support/tokens.js";
import { msUntilRefused } from "../support/until-refused.js";

const day = 86_400_000;
// Each CLI run starts a process (tsx, Prisma): seconds each on a busy machine.
const slow = { timeout: 300_000 };

// One database: each CLI run is a process start; the store rules run on every database in test/core/key-policy.test.ts.
describe.each(databaseKinds.slice(0, 1))("policy CLI on %s", (kind) => {
  let t: TestServer;
  const rsa = freshKeyPair("rsa", { modulusLength: 2048 });
  const cli = (...args: string[]) => runCli(args, { env: { DATABASE_URL: t.database.url }, input: spkiPem(freshKeyPair("ed25519").publicKey) });
  const showJson = async () => {
    const r = await cli("policy", "show", "--json");
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    t = await startTestServer(kind, { startAt: Date.now() });
    await t.store.directory.addUser("alice");
    await t.store.directory.addKey("alice", spkiPem(rsa.publicKey), { comment: "old rsa" });
  });
  afterAll(() => t?.close());

  it("policy show --json: the defaults, with nothing breaking them", slow, async () => {
    expect(await showJson()).toEqual({ policy: defaultKeyPolicy, storedError: null, breakingKeys: 0 });
  });

  it("policy set --min-rsa-bits 3072 reaches the running server within a second; show lists the key; the audit log has the change", slow, async () => {
    const whoami = () => getJson(`${t.url}/whoami`, { authorization: jwtFor("alice", rsa.privateKey, { time: Math.floor(Date.now() / 1000) }) });
    t.clock.now = Date.now();
    expect((await whoami()).status).toBe(200);
    const r = await cli("policy", "set", "--min-rsa-bits", "3072");
    const setAt = Date.now();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/minimum RSA bits\s+3072/);
    expect(r.stdout).toContain("RSA keys must have at least 3072 bits (this key has 2048)");
    t.clock.now = Date.now();
    expect(await msUntilRefused(whoami, setAt, "key_policy")).toBeLessThan(1500);
    expect(await showJson()).toEqual({ policy: { ...defaultKeyPolicy, minRsaBits: 3072 }, storedError: null, breakingKeys: 1 });
    // keys list marks the key by rule; --json gives the reason in words.
    expect((await cli("keys", "list", "alice")).stdout).toMatch(/\sbreaks:min_rsa_bits\s/);
    const listed = JSON.parse((await cli("keys", "list", "alice", "--json")).stdout) as { type: string; policyBreaks: string[] }[];
    expect(listed.find((k) => k.type === "ssh-rsa")?.policyBreaks).toEqual(["RSA keys must have at least 3072 bits (this key has 2048)"]);
    const audit = await t.store.audit.page({ action: "policy.changed", limit: 5 });
    expect(audit.items[0]).toMatchObject({ actor: { type: "cli" }, before: { minRsaBits: 2048 }, after: { minRsaBits: 3072 } });
  });

  it("keys add: a key type the policy refuses is not stored, naming the rule; an allowed one gets the lifetime as expiry", slow, async () => {
    let r = await cli("policy", "set", "--reset", "--key-types", "ecdsa,rsa", "--max-key-lifetime-days", "30");
    expect(r.code, r.stderr).toBe(0);
    r = await cli("keys", "add", "alice", "-");
    expect([r.code, r.stderr.trim()]).toEqual([
      1,
      "passport-sshkey: this key breaks the key policy: Ed25519 keys (ed25519) are not allowed by the key policy (allowed: ecdsa, rsa)",
    ]);
    r = await cli("policy", "set", "--key-types", "ed25519");
    expect(r.code, r.stderr).toBe(0);
    r = await cli("keys", "add", "alice", "-", "--expires", new Date(Date.now() + 60 * day).toISOString().slice(0, 10));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/breaks the key policy: the expiry asked for \(\S+\) is later than the key policy's 30-day lifetime allows/);
    r = await cli("keys", "add", "alice", "-");
    expect(r.code, r.stderr).toBe(0);
    const added = await t.store.directory.findKey(r.stdout.trim());
    expect(Math.abs(added.expiresAt!.getTime() - (Date.now() + 30 * day))).toBeLessThan(60_000);
  });

  it("refuses bad values naming the option, and stores nothing", slow, async () => {
    const before = await showJson();
    const cases: [string[], RegExp][] = [
      [["--min-rsa-bits", "-5"], /--min-rsa-bits must be a whole number/],
      [["--min-rsa-bits", "20000"], /--min-rsa-bits: .*16384/],
      [["--key-types", "ed25519,dsa"], /--key-types: unknown name "dsa"; known: ed25519, ecdsa, rsa, sk-ed25519, sk-ecdsa, cert/],
      [["--max-key-lifetime-days", "0"], /--max-key-lifetime-days: /],
    ];
    for (const [args, message] of cases) {
      const r = await cli("policy", "set", ...args);
      expect([args.join(" "), r.code], r.stderr).toEqual([args.join(" "), 1]);
      expect(r.stderr).toMatch(message);
    }
    expect(await showJson()).toEqual(before);
  });

  it("a broken stored policy: show reports it, sign-in fails closed, set repairs it", slow, async () => {
    await t.store.settings.write(keyPolicySettingKey, '{"minRsaBits":"lots"}');
    const shown = await showJson();
    expect(shown.storedError).toBe("the stored key policy is invalid (keyTypes: Invalid input: expected array, received undefined)");
    expect((await cli("policy", "show")).stdout).toMatch(/^error: the stored key policy is invalid/);
    const r = await cli("policy", "set", "--disable-unused-after-days", "none", "--no-require-security-keys-for-admins");
    expect(r.code, r.stderr).toBe(0);
    expect((await showJson()).storedError).toBeNull();
  });
});
