// The one candidate lookup and ranking every codec goes through.
import { describe, expect, it } from "vitest";
import { findCandidates, maxCandidatesPerCredential, rankCandidates } from "../../strategy/core/candidates.js";
import type { KeyCandidate, KeyStore, StoredKey, StoredUser } from "../../strategy/store/ports.js";

const now = Date.UTC(2030, 0, 1);
const alice: StoredUser = { id: "u1", username: "alice", isAdmin: false, disabled: false };

function key(id: string, options: { type?: string; createdAt?: number; revokedAt?: number; fingerprint?: string } = {}): StoredKey {
  return {
    id,
    userId: alice.id,
    comment: id,
    createdAt: new Date(options.createdAt ?? now - 1000),
    expiresAt: null,
    revokedAt: options.revokedAt === undefined ? null : new Date(options.revokedAt),
    parsed: { type: options.type ?? "ssh-ed25519", crtauthFingerprint: options.fingerprint ?? null } as unknown as StoredKey["parsed"],
  };
}

const ids = (candidates: readonly KeyCandidate[]) => candidates.map((c) => c.key.id);
const ed25519 = new Set(["ssh-ed25519"]);

describe("rankCandidates", () => {
  it("puts usable keys first, then the named key, then the newest", () => {
    const keys = [
      key("revoked-newest", { createdAt: now - 10, revokedAt: now - 5 }),
      key("old", { createdAt: now - 3000 }),
      key("named", { createdAt: now - 2000, fingerprint: "ab" }),
      key("new", { createdAt: now - 1000 }),
    ].map((k) => ({ key: k, user: alice }));
    expect(ids(rankCandidates(keys, now))).toEqual(["new", "named", "old", "revoked-newest"]);
    expect(ids(rankCandidates(keys, now, (k) => k.parsed.crtauthFingerprint === "ab"))).toEqual(["named", "new", "old", "revoked-newest"]);
  });

  it(`keeps at most ${maxCandidatesPerCredential}`, () => {
    const keys = Array.from({ length: 12 }, (_, i) => ({ key: key(`k${i}`, { createdAt: now - i }), user: alice }));
    expect(ids(rankCandidates(keys, now))).toEqual(Array.from({ length: maxCandidatesPerCredential }, (_, i) => `k${i}`));
  });
});

describe("findCandidates", () => {
  const stored = [key("ed"), key("rsa", { type: "ssh-rsa" })];
  const calls: string[] = [];
  const keys: KeyStore = {
    findByKid: async (kid) => (calls.push(`kid:${kid.slice(0, 4)}`), { key: stored[0]!, user: alice }),
    findByFingerprint: async () => (calls.push("fingerprint"), { key: stored[1]!, user: alice }),
    findByUsername: async (username) => (calls.push(`user:${username}`), username === "alice" ? { user: alice, keys: stored } : null),
    advanceSignCounter: async () => true,
  };

  it("looks a named key up alone, and keeps it only for the claimed user and an accepted type", async () => {
    const kid = "a".repeat(64);
    expect(ids(await findCandidates(keys, { untrustedUsername: "alice", untrustedKid: kid, keyTypes: ed25519 }))).toEqual(["ed"]);
    expect(ids(await findCandidates(keys, { untrustedUsername: "mallory", untrustedKid: kid, keyTypes: ed25519 }))).toEqual([]);
    expect(ids(await findCandidates(keys, { untrustedUsername: null, untrustedFingerprint: "SHA256:x", keyTypes: ed25519 }))).toEqual([]);
    expect(calls).toEqual(["kid:aaaa", "kid:aaaa", "fingerprint"]);
  });

  it("refuses a kid of another shape without a lookup, and otherwise takes the claimed user's keys of the accepted types", async () => {
    calls.length = 0;
    expect(await findCandidates(keys, { untrustedUsername: "alice", untrustedKid: "not-a-kid", keyTypes: ed25519 })).toEqual([]);
    expect(ids(await findCandidates(keys, { untrustedUsername: "alice", keyTypes: new Set(["ssh-rsa", "ssh-ed25519"]) }))).toEqual(["ed", "rsa"]);
    expect(ids(await findCandidates(keys, { untrustedUsername: "alice", keyTypes: ed25519 }))).toEqual(["ed"]);
    expect(await findCandidates(keys, { untrustedUsername: null, keyTypes: ed25519 })).toEqual([]);
    expect(calls).toEqual(["user:alice", "user:alice"]);
  });
});
