// The verification pipeline on its own, with no HTTP framework: a plain request view, the
// memory store's KeyStore and ReplayStore, and an event sink that keeps what it is given.
import type { KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Codec } from "../../strategy/core/codec.js";
import { verifyCredential, type PipelineDeps } from "../../strategy/core/pipeline.js";
import type { RequestView } from "../../strategy/core/request-view.js";
import { AuthError, isAuthError } from "../../strategy/errors.js";
import { parsePublicKey, publicKeyFromKeyObject } from "../../strategy/keys/index.js";
import { FailureThrottle } from "../../strategy/schemes/failure-throttle.js";
import { createJwtScheme } from "../../strategy/schemes/jwt/scheme.js";
import type { AuthEventRecord, KeyStore } from "../../strategy/store/ports.js";
import { createMemoryStore, type SshKeyStore } from "../../strategy/store/index.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { jwtFor, spkiPem } from "../support/tokens.js";

const T = 1_900_000_000;

function view(): RequestView {
  return {
    method: "GET",
    target: "/whoami",
    host: "api.example.com",
    header: () => undefined,
    clientAddress: "192.0.2.7",
    userAgent: "pipeline-test",
    body: () => Promise.resolve(Buffer.alloc(0)),
    source: null,
  };
}

/** A KeyStore that counts the lookups it answers. */
function counting(keys: KeyStore): KeyStore & { lookups: number } {
  const counted = {
    lookups: 0,
    findByKid: (kid: string) => (counted.lookups++, keys.findByKid(kid)),
    findByFingerprint: (fp: string) => (counted.lookups++, keys.findByFingerprint(fp)),
    findByUsername: (name: string) => (counted.lookups++, keys.findByUsername(name)),
    advanceSignCounter: (id: string, counter: number) => keys.advanceSignCounter(id, counter),
  };
  return counted;
}

const credentialOf = (header: string) => header.slice("JWT ".length);

describe("verifyCredential", () => {
  let store: SshKeyStore;
  const clock = { now: T * 1000 };
  const alice = { old: freshKeyPair("ed25519").privateKey, current: freshKeyPair("ed25519").privateKey };
  const stranger = freshKeyPair("ed25519").privateKey;
  const jwt = createJwtScheme();

  beforeAll(async () => {
    store = createMemoryStore({ now: () => clock.now });
    await store.directory.addUser("alice");
    await store.directory.addKey("alice", spkiPem(alice.old), { comment: "old" });
    clock.now += 1000;
    await store.directory.addKey("alice", spkiPem(alice.current), { comment: "current" });
    await store.directory.revokeKey(parsePublicKey(spkiPem(alice.old)).fingerprintSha256);
  });
  afterAll(async () => {
    await store?.close();
  });

  function deps(overrides: Partial<PipelineDeps> = {}): PipelineDeps & { recorded: AuthEventRecord[] } {
    const recorded: AuthEventRecord[] = [];
    return {
      keys: store.keys,
      replay: store.replay,
      events: { record: (event) => void recorded.push(event), flush: () => Promise.resolve() },
      now: () => clock.now,
      throttle: null,
      ...overrides,
      recorded,
    };
  }

  const tokenOf = (key: KeyObject, username = "alice") => credentialOf(jwtFor(username, key, { time: clock.now / 1000 }));

  it("verifies with the active key and records exactly one success event", async () => {
    const d = deps();
    const result = await verifyCredential(jwt, tokenOf(alice.current), view(), d);
    expect(isAuthError(result)).toBe(false);
    if (isAuthError(result)) return;
    expect([result.scheme, result.user.username, result.key.comment]).toEqual(["jwt", "alice", "current"]);
    expect(d.recorded).toHaveLength(1);
    expect(d.recorded[0]).toMatchObject({
      outcome: "success",
      errorCode: null,
      username: "alice",
      userId: result.user.id,
      keyId: result.key.id,
      ip: "192.0.2.7",
      userAgent: "pipeline-test",
    });
  });

  it("refuses a signature by a revoked key with the key-state table's code, naming user and key in the one event", async () => {
    const d = deps();
    const result = await verifyCredential(jwt, tokenOf(alice.old), view(), d);
    expect(result).toBeInstanceOf(AuthError);
    expect((result as AuthError).code).toBe("key_revoked");
    expect(d.recorded).toHaveLength(1);
    expect(d.recorded[0]).toMatchObject({ outcome: "failure", errorCode: "key_revoked", username: "alice" });
    expect(d.recorded[0]!.keyId).toEqual(expect.any(String));
  });

  it("answers unknown_key for a user nobody has, and bad_signature for a stranger's key", async () => {
    const d = deps();
    expect(((await verifyCredential(jwt, tokenOf(stranger, "nobody"), view(), d)) as AuthError).code).toBe("unknown_key");
    expect(((await verifyCredential(jwt, tokenOf(stranger), view(), d)) as AuthError).code).toBe("bad_signature");
    expect(d.recorded.map((e) => [e.errorCode, e.username, e.userId])).toEqual([
      ["unknown_key", "nobody", null],
      ["bad_signature", "alice", null],
    ]);
  });

  it("refuses the same credential twice through the replay store", async () => {
    const d = deps();
    const token = tokenOf(alice.current);
    expect(isAuthError(await verifyCredential(jwt, token, view(), d))).toBe(false);
    expect(((await verifyCredential(jwt, token, view(), d)) as AuthError).code).toBe("replayed");
    expect(d.recorded.map((e) => e.outcome)).toEqual(["success", "failure"]);
  });

  it("throttles a username after its failed signatures, before any key lookup", async () => {
    const keys = counting(store.keys);
    const d = deps({ keys, throttle: new FailureThrottle({ maxFailures: 2, windowMs: 60_000 }) });
    for (let i = 0; i < 2; i++) expect(((await verifyCredential(jwt, tokenOf(stranger), view(), d)) as AuthError).code).toBe("bad_signature");
    const lookups = keys.lookups;
    const throttled = (await verifyCredential(jwt, tokenOf(alice.current), view(), d)) as AuthError;
    expect(throttled.code).toBe("too_many_failures");
    expect(throttled.detail?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(keys.lookups).toBe(lookups);
    expect(d.recorded).toHaveLength(3);
  });

  it("lets admit refuse a verified user: the one event records that refusal", async () => {
    const d = deps();
    const result = await verifyCredential(jwt, tokenOf(alice.current), view(), d, {}, () => new AuthError("rejected", "not today"));
    expect((result as AuthError).code).toBe("rejected");
    expect(d.recorded).toHaveLength(1);
    expect(d.recorded[0]).toMatchObject({ outcome: "failure", errorCode: "rejected", username: "alice" });
    expect(d.recorded[0]!.userId).toEqual(expect.any(String));
  });

  it("passes a store fault through instead of refusing", async () => {
    const broken: KeyStore = {
      ...store.keys,
      findByUsername: () => Promise.reject(new Error("database down")),
      findByKid: () => Promise.reject(new Error("database down")),
      findByFingerprint: () => Promise.reject(new Error("database down")),
    };
    await expect(verifyCredential(jwt, tokenOf(alice.current), view(), deps({ keys: broken }))).rejects.toThrow("database down");
  });

  it("tries usable keys first and at most eight, whatever the codec", async () => {
    const tried: string[] = [];
    // A codec that accepts no signature: it sees the candidates in the pipeline's order.
    const spy: Codec<string, true> = {
      name: "spy",
      challenge: "Spy",
      claims: () => true,
      decode: (credential) => credential,
      hints: (username) => ({ untrustedUsername: username, keyTypes: new Set(["ssh-ed25519"]) }),
      verifySignature: (_u, key) => (tried.push(key.comment), null),
      noKey: () => new AuthError("unknown_key", "none"),
      badSignature: () => new AuthError("bad_signature", "none"),
      replay: () => null,
    };
    const d = deps();
    expect(((await verifyCredential(spy, "alice", view(), d)) as AuthError).code).toBe("bad_signature");
    expect(tried).toEqual(["current", "old"]);
    expect(d.recorded[0]).toMatchObject({ scheme: "spy", errorCode: "bad_signature" });
  });

  it("records what a refused certificate's hints and candidate said: serial, key id, the CA once trusted, the principal once mapped", async () => {
    const ca = publicKeyFromKeyObject(freshKeyPair("ed25519").publicKey);
    const authority = await store.authorities.add("pipeline-ca", ca, "username");
    const certified = publicKeyFromKeyObject(freshKeyPair("ed25519").publicKey);
    // A codec whose credential says where it fails: "signature", "after" (the codec's own checks) or "admit".
    const certificateCodec = (caFingerprint: string): Codec<string, true> => ({
      name: "certs",
      challenge: "Certs",
      claims: () => true,
      decode: (credential) => credential,
      hints: () => ({
        untrustedUsername: "alice",
        untrustedCertificate: { caFingerprint, serial: 77n, keyId: "alice@laptop", keyBlob: certified.blob },
        keyTypes: new Set(["ssh-ed25519"]),
      }),
      verifySignature: (failAt, key) => (failAt !== "signature" && key.certifiedBy !== undefined ? true : null),
      noKey: () => new AuthError("unknown_key", "no CA"),
      badSignature: () => new AuthError("bad_signature", "no"),
      afterSignature: (failAt) => {
        if (failAt === "after") throw new AuthError("certificate_expired", "expired");
      },
      replay: () => null,
    });
    const attempt = async (failAt: string, caFingerprint = ca.fingerprintSha256) => {
      const d = deps({ authorities: store.authorities });
      const admit = () => (failAt === "admit" ? new AuthError("rejected", "not today") : null);
      await verifyCredential(certificateCodec(caFingerprint), failAt, view(), d, {}, admit);
      expect(d.recorded).toHaveLength(1);
      return d.recorded[0];
    };
    const cert = { keyId: null, certSerial: "77", certKeyId: "alice@laptop" };
    expect(await attempt("signature", "SHA256:untrusted")).toMatchObject({ errorCode: "unknown_key", ...cert, caId: null, certPrincipal: null });
    expect(await attempt("signature")).toMatchObject({ errorCode: "bad_signature", ...cert, caId: authority.id, certPrincipal: null });
    expect(await attempt("after")).toMatchObject({ errorCode: "certificate_expired", ...cert, caId: authority.id, certPrincipal: null });
    expect(await attempt("admit")).toMatchObject({ errorCode: "rejected", ...cert, caId: authority.id, certPrincipal: "alice" });
    expect(await attempt("none")).toMatchObject({ outcome: "success", ...cert, caId: authority.id, certPrincipal: "alice" });
  });
});
