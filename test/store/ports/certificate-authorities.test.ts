import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicKeyFromKeyObject } from "../../../strategy/keys/parse.js";
import { DirectoryError, type SshKeyStore } from "../../../strategy/store/index.js";
import { freshKeyPair } from "../../support/fresh-keys.js";
import { refusalOf } from "../../support/refusal.js";
import { adapterNames, openAdapter, type OpenedStore } from "./adapters.js";

const caKey = () => publicKeyFromKeyObject(freshKeyPair("ed25519").publicKey);
const certificate = { serial: 18446744073709551615n, keyId: "alice@laptop", keyFingerprint: "SHA256:certified" };

describe.each(adapterNames)("CertificateAuthorityStore on %s", (name) => {
  let opened: OpenedStore;
  let store: SshKeyStore;
  beforeAll(async () => {
    opened = await openAdapter(name);
    store = opened.store;
  });
  afterAll(() => opened?.close());

  it("adds a CA, finds it by fingerprint with its parsed key, lists it and refuses a second one with the same name or key", async () => {
    const key = caKey();
    const added = await store.authorities.add("corp", key, "extension:login@github.com");
    expect(added).toMatchObject({
      name: "corp",
      type: "ssh-ed25519",
      fingerprintSha256: key.fingerprintSha256,
      principalMap: "extension:login@github.com",
      revokedAt: null,
    });
    const found = await store.authorities.findByFingerprint(key.fingerprintSha256);
    expect(found).toMatchObject({ id: added.id, name: "corp", principalMap: "extension:login@github.com", revokedAt: null });
    expect(found?.parsed.blob.equals(key.blob)).toBe(true);
    expect((await store.authorities.list()).map((ca) => ca.name)).toContain("corp");
    expect((await refusalOf(store.authorities.add("corp", caKey(), "username"), DirectoryError)).code).toBe("conflict");
    expect((await refusalOf(store.authorities.add("other", key, "username"), DirectoryError)).code).toBe("conflict");
    expect(await store.authorities.findByFingerprint("SHA256:nobody")).toBeNull();
  });

  it("refuses a principal map it does not know", async () => {
    expect((await refusalOf(store.authorities.add("typo", caKey(), "usernames" as "username"), DirectoryError)).code).toBe("invalid");
  });

  it("revokes certificates by serial, key id and certified-key fingerprint, per CA", async () => {
    const a = await store.authorities.add("rev-a", caKey(), "username");
    const b = await store.authorities.add("rev-b", caKey(), "username");
    expect(await store.authorities.isRevoked(a.id, certificate)).toBe(false);
    await store.authorities.revokeCertificates("rev-a", { serial: certificate.serial }, "lost laptop");
    expect(await store.authorities.isRevoked(a.id, certificate)).toBe(true);
    expect(await store.authorities.isRevoked(a.id, { ...certificate, serial: 1n })).toBe(false);
    expect(await store.authorities.isRevoked(b.id, certificate)).toBe(false);
    await store.authorities.revokeCertificates("rev-b", { keyId: "alice@laptop" });
    expect(await store.authorities.isRevoked(b.id, { ...certificate, serial: 1n })).toBe(true);
    expect(await store.authorities.isRevoked(b.id, { ...certificate, keyId: "bob" })).toBe(false);
    await store.authorities.revokeCertificates("rev-b", { keyFingerprint: "SHA256:other" });
    expect(await store.authorities.isRevoked(b.id, { serial: 2n, keyId: "x", keyFingerprint: "SHA256:other" })).toBe(true);
    expect((await refusalOf(store.authorities.revokeCertificates("nobody", { serial: 1n }), DirectoryError)).code).toBe("not_found");
  });

  it("counts each CA's revocations, and forgets them with the CA", async () => {
    const a = await store.authorities.add("count-a", caKey(), "username");
    const b = await store.authorities.add("count-b", caKey(), "username");
    await store.authorities.revokeCertificates("count-a", { serial: 1n });
    await store.authorities.revokeCertificates("count-a", { keyId: "k" });
    const counts = await store.authorities.countRevocations();
    expect([counts.get(a.id), counts.get(b.id)]).toEqual([2, undefined]);
    await store.authorities.remove("count-a");
    expect((await store.authorities.countRevocations()).has(a.id)).toBe(false);
  });

  it("revokes serial ranges (text order is numeric order up to 2^64-1) and rows of every CA", async () => {
    const a = await store.authorities.add("range-a", caKey(), "username");
    const b = await store.authorities.add("range-b", caKey(), "username");
    const at = (caId: string, serial: bigint) => store.authorities.isRevoked(caId, { ...certificate, keyId: "nobody", keyFingerprint: "SHA256:none", serial });
    await store.authorities.revokeCertificates("range-a", { serialFrom: 9n, serialTo: 100n });
    await store.authorities.revokeCertificates("range-a", { serialFrom: 18446744073709551614n, serialTo: 18446744073709551615n });
    expect(await Promise.all([8n, 9n, 10n, 99n, 100n, 101n, 1000n, 18446744073709551613n, 18446744073709551615n].map((s) => at(a.id, s)))).toEqual([
      false,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      true,
    ]);
    expect(await at(b.id, 50n)).toBe(false);
    expect((await refusalOf(store.authorities.revokeCertificates("range-a", { serialFrom: 5n, serialTo: 4n }), DirectoryError)).code).toBe("invalid");
    await store.authorities.replaceImportedRevocations("krl", [
      { caId: null, match: { serialFrom: 500n, serialTo: 600n } },
      { caId: null, match: { keyId: "everywhere" } },
      { caId: null, match: { keyFingerprint: "SHA1:certified-sha1" } },
    ]);
    expect([await at(a.id, 550n), await at(b.id, 500n), await at(b.id, 601n)]).toEqual([true, true, false]);
    expect(await store.authorities.isRevoked(b.id, { ...certificate, serial: 1n, keyId: "everywhere" })).toBe(true);
    const other = { serial: 1n, keyId: "x", keyFingerprint: "SHA256:x" };
    expect(await store.authorities.isRevoked(b.id, { ...other, otherFingerprints: ["SHA1:certified-sha1"] })).toBe(true);
    expect(await store.authorities.isRevoked(b.id, { ...other, otherFingerprints: ["SHA1:other"] })).toBe(false);
  });

  it("replaces the rows of one import source, all or none, and counts revocations per CA", async () => {
    const ca = await store.authorities.add("imported", caKey(), "username");
    const revoked = (serial: bigint) => store.authorities.isRevoked(ca.id, { ...certificate, keyId: "nobody", keyFingerprint: "SHA256:none", serial });
    await store.authorities.replaceImportedRevocations("one", [
      { caId: ca.id, match: { serial: 1n } },
      { caId: ca.id, match: { keyId: "k" } },
    ]);
    await store.authorities.replaceImportedRevocations("two", [{ caId: ca.id, match: { serial: 2n } }]);
    expect((await store.authorities.countRevocations()).get(ca.id)).toBe(3);
    await store.authorities.replaceImportedRevocations("one", [{ caId: ca.id, match: { serial: 3n } }]);
    expect(await Promise.all([1n, 2n, 3n].map(revoked))).toEqual([false, true, true]);
    // A refused row (a CA that is not there, a reversed range) leaves the previous import in place.
    await expect(store.authorities.replaceImportedRevocations("one", [{ caId: ca.id, match: { serialFrom: 9n, serialTo: 1n } }])).rejects.toThrow(
      DirectoryError,
    );
    await expect(
      store.authorities.replaceImportedRevocations("one", [{ caId: "00000000-0000-4000-8000-000000000000", match: { serial: 4n } }]),
    ).rejects.toThrow(DirectoryError);
    expect(await revoked(3n)).toBe(true);
    await store.authorities.replaceImportedRevocations("one", []);
    expect((await store.authorities.countRevocations()).get(ca.id)).toBe(1);
  });

  it("revokes a whole CA once, marks its use, and removes it with its revocations", async () => {
    const key = caKey();
    const ca = await store.authorities.add("whole", key, "key-id");
    const revoked = await store.authorities.revokeAll("whole");
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await store.authorities.revokeAll("whole")).revokedAt).toEqual(revoked.revokedAt);
    expect((await store.authorities.findByFingerprint(key.fingerprintSha256))?.revokedAt).toEqual(revoked.revokedAt);
    const at = new Date(Date.UTC(2030, 0, 1));
    await store.authorities.markUsed(ca.id, at);
    expect((await store.authorities.list()).find((c) => c.id === ca.id)?.lastUsedAt).toEqual(at);
    await store.authorities.revokeCertificates("whole", { serial: 7n });
    expect((await store.authorities.remove("whole")).id).toBe(ca.id);
    expect(await store.authorities.findByFingerprint(key.fingerprintSha256)).toBeNull();
    expect(await store.authorities.isRevoked(ca.id, { ...certificate, serial: 7n })).toBe(false);
    expect((await refusalOf(store.authorities.remove("whole"), DirectoryError)).code).toBe("not_found");
  });
});
