import { describe, expect, it } from "vitest";
import { defaultKeyPolicy, type KeyPolicy } from "../../strategy/contract/policy.js";
import { describeBreaks, keyPolicyBreaks, newKeyPolicy, signInBreak } from "../../strategy/policy/rules.js";

const day = 86_400_000;
const now = Date.parse("2026-06-01T00:00:00Z");
const policy = (change: Partial<KeyPolicy>): KeyPolicy => ({ ...defaultKeyPolicy, ...change });
const rules = (p: KeyPolicy, key: Parameters<typeof keyPolicyBreaks>[1]) => keyPolicyBreaks(p, key, now).map((b) => [b.rule, b.message, b.blocksSignIn]);

describe("key policy rules", () => {
  it("the defaults allow every key type the codec accepts", () => {
    for (const type of ["ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"]) {
      expect(keyPolicyBreaks(defaultKeyPolicy, { type, bits: 2048, ownerIsAdmin: true, certificate: true, createdAt: new Date(0) }, now)).toEqual([]);
    }
  });

  it("names the key type, the RSA size and the curve a key breaks", () => {
    expect(rules(policy({ minRsaBits: 3072 }), { type: "ssh-rsa", bits: 2048, ownerIsAdmin: false })).toEqual([
      ["min_rsa_bits", "RSA keys must have at least 3072 bits (this key has 2048)", true],
    ]);
    expect(rules(policy({ keyTypes: ["ed25519", "ecdsa"] }), { type: "ssh-rsa", bits: 4096, ownerIsAdmin: false })).toEqual([
      ["key_types", "RSA keys (rsa) are not allowed by the key policy (allowed: ed25519, ecdsa)", true],
    ]);
    expect(rules(policy({ ecdsaCurves: ["nistp256"] }), { type: "sk-ecdsa-sha2-nistp256@openssh.com", bits: 256, ownerIsAdmin: false })).toEqual([]);
    expect(rules(policy({ ecdsaCurves: ["nistp256", "nistp384"] }), { type: "ecdsa-sha2-nistp521", bits: 521, ownerIsAdmin: false })).toEqual([
      ["ecdsa_curves", "ECDSA keys must use nistp256 or nistp384 (this key uses nistp521)", true],
    ]);
    expect(rules(policy({ keyTypes: ["ed25519"] }), { type: "sk-ssh-ed25519@openssh.com", bits: 256, ownerIsAdmin: false })[0]?.[0]).toBe("key_types");
  });

  it("security keys for admins: an admin's plain key breaks it, a user's does not, an admin's sk key does not", () => {
    const p = policy({ requireSecurityKeysForAdmins: true });
    expect(rules(p, { type: "ssh-ed25519", bits: 256, ownerIsAdmin: true })[0]?.[0]).toBe("security_keys_for_admins");
    expect(rules(p, { type: "ssh-ed25519", bits: 256, ownerIsAdmin: false })).toEqual([]);
    expect(rules(p, { type: "sk-ssh-ed25519@openssh.com", bits: 256, ownerIsAdmin: true })).toEqual([]);
  });

  it("certificates: refused when cert is not allowed; their key's type still counts; no lifetime or use rule", () => {
    const p = policy({ keyTypes: ["ed25519"], maxKeyLifetimeDays: 1, disableUnusedAfterDays: 1 });
    expect(rules(p, { type: "ssh-ed25519", bits: 256, ownerIsAdmin: false, certificate: true, createdAt: new Date(0) })).toEqual([
      ["certificates", "certificate logins are not allowed by the key policy", true],
    ]);
    expect(rules({ ...p, keyTypes: ["ed25519", "cert"] }, { type: "ssh-ed25519", bits: 256, ownerIsAdmin: false, certificate: true })).toEqual([]);
  });

  it("unused for N days: from the last use, or from when it was added if never used; exactly N days is a break", () => {
    const p = policy({ disableUnusedAfterDays: 180 });
    const key = { type: "ssh-ed25519", bits: 256, ownerIsAdmin: false, createdAt: new Date(now - 400 * day) };
    expect(rules(p, { ...key, lastUsedAt: new Date(now - 190 * day) })).toEqual([
      ["disable_unused", "unused for 190 days; the key policy disables keys unused for 180 days", true],
    ]);
    expect(rules(p, { ...key, lastUsedAt: new Date(now - 179 * day) })).toEqual([]);
    expect(rules(p, { ...key, lastUsedAt: new Date(now - 180 * day) })[0]?.[0]).toBe("disable_unused");
    expect(rules(p, { ...key, lastUsedAt: null })[0]?.[1]).toBe(
      "never used in the 400 days since it was added; the key policy disables keys unused for 180 days",
    );
  });

  it("max lifetime: an older key stops; a younger key without a fitting expiry is flagged but still signs in", () => {
    const p = policy({ maxKeyLifetimeDays: 365 });
    const base = { type: "ssh-ed25519", bits: 256, ownerIsAdmin: false };
    const old = keyPolicyBreaks(p, { ...base, createdAt: new Date(now - 400 * day) }, now);
    expect(old.map((b) => [b.message, b.blocksSignIn])).toEqual([["added 400 days ago; the key policy limits keys to 365 days", true]]);
    const young = keyPolicyBreaks(p, { ...base, createdAt: new Date(now - 10 * day), expiresAt: null }, now);
    expect(young.map((b) => [b.message, b.blocksSignIn])).toEqual([
      ["has no expiry within the key policy's 365-day lifetime; it stops signing in on 2027-05-22", false],
    ]);
    expect(signInBreak(young)).toBeNull();
    expect(keyPolicyBreaks(p, { ...base, createdAt: new Date(now - 10 * day), expiresAt: new Date(now + 30 * day) }, now)).toEqual([]);
    expect(keyPolicyBreaks(p, { ...base, createdAt: new Date(now - 10 * day), expiresAt: new Date(now + 400 * day) }, now)[0]?.message).toMatch(
      /^expires after/,
    );
  });

  it("a new key gets the lifetime as expiry, keeps an earlier one asked for, and a later one breaks the rule", () => {
    const p = policy({ maxKeyLifetimeDays: 30 });
    const key = { type: "ssh-ed25519", bits: 256, ownerIsAdmin: false };
    expect(newKeyPolicy(p, key, undefined, now)).toEqual({ breaks: [], expiresAt: new Date(now + 30 * day) });
    expect(newKeyPolicy(p, key, new Date(now + day), now)).toEqual({ breaks: [], expiresAt: new Date(now + day) });
    const late = newKeyPolicy(p, key, new Date(now + 31 * day), now);
    expect(describeBreaks(late.breaks)).toBe(
      "breaks the key policy: the expiry asked for (2026-07-02) is later than the key policy's 30-day lifetime allows (2026-07-01)",
    );
    expect(newKeyPolicy(defaultKeyPolicy, key, null, now)).toEqual({ breaks: [], expiresAt: null });
  });
});
