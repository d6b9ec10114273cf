// The instance key policy at sign-in: each rule refuses a verified key with key_policy and names
// itself, on every store, in every scheme that can sign with the key; lifting it lets the key in.
import crypto, { type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadKeyFileSigner, requestHeadersFor, type ClientScheme } from "../../strategy/client/index.js";
import { defaultKeyPolicy, type KeyPolicyChange } from "../../strategy/contract/policy.js";
import { checkKeyPolicy } from "../../strategy/core/key-policy.js";
import { KeyPolicyReader, keyPolicySettingKey, writeKeyPolicy } from "../../strategy/policy/setting.js";
import type { SshKeyStore } from "../../strategy/store/index.js";
import type { KeyCandidate } from "../../strategy/store/ports.js";
import { databaseKinds } from "../support/databases.js";
import { lastEventCode } from "../support/events.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { getJson, startTestServer, type TestServer } from "../support/server.js";
import { jwtFor, spkiPem } from "../support/tokens.js";

const day = 86_400_000;

describe.each(["memory", ...databaseKinds] as const)("key policy at sign-in on %s", (kind) => {
  let t: TestServer<SshKeyStore>;
  const rsa = freshKeyPair("rsa", { modulusLength: 2048 });
  const p256 = freshKeyPair("ec", { namedCurve: "P-256" });
  const p384 = freshKeyPair("ec", { namedCurve: "P-384" });
  const ed = freshKeyPair("ed25519");
  const adminKey = freshKeyPair("ed25519");
  const start = Date.now();

  beforeAll(async () => {
    t = (await startTestServer(kind as "memory", { startAt: start })) as TestServer<SshKeyStore>;
    await t.store.directory.addUser("alice");
    await t.store.directory.addUser("root", { isAdmin: true });
    for (const key of [rsa, p256, p384, ed]) await t.store.directory.addKey("alice", spkiPem(key.publicKey));
    await t.store.directory.addKey("root", spkiPem(adminKey.publicKey));
  });
  afterAll(() => t?.close());

  const setPolicy = async (change: KeyPolicyChange) => {
    await writeKeyPolicy(t.store, change, { reset: true });
    // The server's reader hears of it through the store's change feed (polled on SQL stores).
    await new Promise((resolve) => setTimeout(resolve, kind === "memory" ? 0 : 400));
  };
  const whoami = (user: string, key: KeyObject) => getJson(`${t.url}/whoami`, { authorization: jwtFor(user, key, { time: Math.floor(t.clock.now / 1000) }) });
  const refusal = async (user: string, key: KeyObject) => {
    const r = await whoami(user, key);
    return [r.status, r.body?.error?.code, r.body?.error?.message];
  };
  const prefix = "the key that signed this credential breaks the key policy: ";

  it("with no policy stored, every key signs in", async () => {
    for (const key of [rsa, p256, p384, ed]) expect((await whoami("alice", key.privateKey)).status).toBe(200);
  });

  it("--min-rsa-bits: a 2048-bit key is refused, naming the rule; other keys still sign in", async () => {
    await setPolicy({ minRsaBits: 3072 });
    expect(await refusal("alice", rsa.privateKey)).toEqual([401, "key_policy", `${prefix}RSA keys must have at least 3072 bits (this key has 2048)`]);
    expect(await lastEventCode(t.store)).toBe("key_policy");
    expect((await whoami("alice", ed.privateKey)).status).toBe(200);
    await setPolicy({});
    expect((await whoami("alice", rsa.privateKey)).status).toBe(200);
  });

  it("--key-types and --ecdsa-curves", async () => {
    await setPolicy({ keyTypes: ["ed25519", "rsa"] });
    expect(await refusal("alice", p256.privateKey)).toEqual([
      401,
      "key_policy",
      `${prefix}ECDSA P-256 keys (ecdsa) are not allowed by the key policy (allowed: ed25519, rsa)`,
    ]);
    await setPolicy({ ecdsaCurves: ["nistp256"] });
    expect(await refusal("alice", p384.privateKey)).toEqual([401, "key_policy", `${prefix}ECDSA keys must use nistp256 (this key uses nistp384)`]);
    expect((await whoami("alice", p256.privateKey)).status).toBe(200);
  });

  it("--require-security-keys-for-admins refuses an admin's plain key, not a user's", async () => {
    await setPolicy({ requireSecurityKeysForAdmins: true });
    expect((await refusal("root", adminKey.privateKey)).slice(0, 2)).toEqual([401, "key_policy"]);
    expect((await refusal("root", adminKey.privateKey))[2]).toMatch(/administrators must sign in with security keys/);
    expect((await whoami("alice", ed.privateKey)).status).toBe(200);
  });

  it("--disable-unused-after-days: measured from the last use (or when added), refused from N days on", async () => {
    expect((await whoami("alice", ed.privateKey)).status).toBe(200);
    await t.store.events.flush();
    await setPolicy({ disableUnusedAfterDays: 180 });
    t.clock.now = start + 190 * day;
    try {
      expect(await refusal("alice", ed.privateKey)).toEqual([
        401,
        "key_policy",
        `${prefix}unused for 190 days; the key policy disables keys unused for 180 days`,
      ]);
      t.clock.now = start + 179 * day;
      expect((await whoami("alice", ed.privateKey)).status).toBe(200);
    } finally {
      t.clock.now = start;
    }
  });

  it("--max-key-lifetime-days: a key older than the lifetime is refused; a younger one without expiry signs in", async () => {
    await setPolicy({ maxKeyLifetimeDays: 365 });
    expect((await whoami("alice", ed.privateKey)).status).toBe(200);
    t.clock.now = start + 400 * day;
    try {
      // SQL stores stamp createdAt with the database's clock, a moment after `start`.
      const [status, code, message] = await refusal("alice", ed.privateKey);
      expect([status, code]).toEqual([401, "key_policy"]);
      expect(message).toMatch(/^the key that signed this credential breaks the key policy: added (399|400) days ago; the key policy limits keys to 365 days$/);
    } finally {
      t.clock.now = start;
    }
  });

  it("every scheme that signs with the key refuses it the same way (JWT, sshauth, SSHSIG, RFC 9421)", async () => {
    await setPolicy({ keyTypes: ["ed25519"] });
    const pem = p256.privateKey.export({ type: "pkcs8", format: "pem" });
    const signer = await loadKeyFileSigner({ text: pem });
    for (const scheme of ["jwt", "sshauth", "sshsig", "rfc9421"] satisfies ClientScheme[]) {
      const url = new URL(`${t.url}/whoami`);
      const headers = await requestHeadersFor({ scheme, signer, username: "alice", now: () => t.clock.now }, { url, method: "GET" });
      const r = await getJson(url.href, headers);
      expect([scheme, r.status, r.body?.error?.code], JSON.stringify(r.body)).toEqual([scheme, 401, "key_policy"]);
    }
  });

  it("a stored policy that is not valid fails closed: every key is refused, and setting it again repairs it", async () => {
    for (const garbage of ["{not json", JSON.stringify({ minRsaBits: -1 }), JSON.stringify({ keyTypes: ["dsa"], extra: crypto.randomUUID() })]) {
      await t.store.settings.write(keyPolicySettingKey, garbage);
      await t.store.changes.publish();
      await new Promise((resolve) => setTimeout(resolve, kind === "memory" ? 0 : 400));
      expect(await refusal("alice", ed.privateKey)).toEqual([401, "key_policy", `${prefix}the key policy cannot be read; an administrator must set it again`]);
    }
    await setPolicy({});
    expect((await whoami("alice", ed.privateKey)).status).toBe(200);
  });
});

describe("checkKeyPolicy over the policy reader", () => {
  const signer = {
    key: { id: "k1", parsed: { type: "ssh-rsa", bits: 2048 }, createdAt: new Date(0), lastUsedAt: null, expiresAt: null },
    user: { id: "u1", username: "alice", isAdmin: false, disabled: false },
  } as unknown as KeyCandidate;
  const readerOver = (stored: string | null) => {
    const values = new Map<string, string>(stored === null ? [] : [[keyPolicySettingKey, stored]]);
    const listeners: (() => void)[] = [];
    const settings = {
      read: async (key: string) => values.get(key) ?? null,
      write: async (key: string, value: string) => void values.set(key, value),
      loadOrCreate: async () => "",
    };
    const feed = { publish: async () => listeners.forEach((l) => l()), subscribe: (l: () => void) => (listeners.push(l), () => {}), close: async () => {} };
    return { reader: new KeyPolicyReader(settings, feed, { warn: () => {} }), values, feed };
  };

  it("answers at once once the reading is in hand, and still refuses by it", async () => {
    const { reader } = readerOver(JSON.stringify({ ...defaultKeyPolicy, minRsaBits: 3072 }));
    const first = checkKeyPolicy(reader, signer, Date.now());
    expect(first).toBeInstanceOf(Promise);
    await expect(first).rejects.toMatchObject({ code: "key_policy" });
    expect(() => checkKeyPolicy(reader, signer, Date.now())).toThrow(/at least 3072 bits/);
  });

  it("a change notice makes the next check wait for the new reading, not reuse the old one", async () => {
    const { reader, values, feed } = readerOver(JSON.stringify({ ...defaultKeyPolicy, minRsaBits: 3072 }));
    await expect(checkKeyPolicy(reader, signer, Date.now())).rejects.toMatchObject({ code: "key_policy" });
    values.set(keyPolicySettingKey, JSON.stringify(defaultKeyPolicy));
    await feed.publish();
    const next = checkKeyPolicy(reader, signer, Date.now());
    expect(next).toBeInstanceOf(Promise);
    await expect(next).resolves.toBeUndefined();
    expect(checkKeyPolicy(reader, signer, Date.now())).toBeUndefined();
  });

  it("a remembered answer for a key follows its owner: made an administrator under requireSecurityKeysForAdmins, it is refused", async () => {
    const { reader } = readerOver(JSON.stringify({ ...defaultKeyPolicy, requireSecurityKeysForAdmins: true }));
    await expect(checkKeyPolicy(reader, signer, Date.now())).resolves.toBeUndefined();
    expect(checkKeyPolicy(reader, signer, Date.now())).toBeUndefined();
    const promoted = { key: signer.key, user: { ...signer.user, isAdmin: true } } as KeyCandidate;
    expect(() => checkKeyPolicy(reader, promoted, Date.now())).toThrow(/administrators must sign in with security keys/);
    expect(checkKeyPolicy(reader, signer, Date.now())).toBeUndefined();
  });

  it("time rules are read at each sign-in, never remembered: the same key passes, then its lifetime runs out", async () => {
    const { reader } = readerOver(JSON.stringify({ ...defaultKeyPolicy, maxKeyLifetimeDays: 30 }));
    const young = { ...signer, key: { ...signer.key, createdAt: new Date(Date.now() - 29 * day) } } as KeyCandidate;
    await expect(checkKeyPolicy(reader, young, Date.now())).resolves.toBeUndefined();
    expect(() => checkKeyPolicy(reader, young, Date.now() + 2 * day)).toThrow(/the key policy limits keys to 30 days/);
  });

  it("an unreadable stored policy refuses every key, on the in-hand path too (fail closed)", async () => {
    const { reader } = readerOver("{not json");
    await expect(checkKeyPolicy(reader, signer, Date.now())).rejects.toMatchObject({ code: "key_policy" });
    expect(() => checkKeyPolicy(reader, signer, Date.now())).toThrow(/cannot be read|invalid/);
  });
});
