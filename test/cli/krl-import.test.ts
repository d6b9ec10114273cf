// A KRL from the real `ssh-keygen -k`, imported as `ca import-krl` imports it, on every store:
// for each certificate and key, "revoked?" must be what `ssh-keygen -Q` answers.
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importKrl } from "../../strategy/cli/krl-import.js";
import { certificateIdentity } from "../../strategy/core/candidates.js";
import { decodeCertificate } from "../../strategy/keys/certificate.js";
import { fingerprintSha256 } from "../../strategy/keys/fingerprint.js";
import { decodeKrl } from "../../strategy/keys/krl.js";
import { parsePublicKey } from "../../strategy/keys/parse.js";
import { sshString } from "../../strategy/keys/wire.js";
import type { SshKeyStore } from "../../strategy/store/index.js";
import { KeyDir } from "../support/ssh-keygen.js";
import { adapterNames, openAdapter, type OpenedStore } from "../store/ports/adapters.js";

const keys = new KeyDir();
const trustedCas = ["ca-a", "ca-b", "ca-d"] as const;
const userKeys = ["k-plain", "k-sha1", "k-explicit", "k-hash", "k-sha256", "k-other"] as const;
const serials = [1n, 2n, 3n, 4n, 5n, 10n, 15n, 20n, 21n, 100n, 101n, 102n, 160n, 161n, 18446744073709551615n];
const certificates: string[] = [];

/** ssh-keygen -k (-u: add to the KRL) with these spec lines. */
function revoke(lines: string[], args: string[], krl = "krl"): void {
  writeFileSync(keys.path("spec"), lines.map((l) => `${l}\n`).join(""));
  keys.run("ssh-keygen", ["-k", "-f", krl, ...args, "spec"]);
}

/** `ssh-keygen -Q -f krl FILE`: whether OpenSSH calls it revoked. */
function opensshRevoked(file: string): boolean {
  let out: string;
  try {
    out = keys.run("ssh-keygen", ["-Q", "-f", "krl", file]);
  } catch (error) {
    out = String((error as { stdout?: unknown }).stdout);
  }
  if (/: REVOKED\n?$/.test(out)) return true;
  if (/: ok\n?$/.test(out)) return false;
  throw new Error(`ssh-keygen -Q said: ${out}`);
}

const pubLine = (name: string) => keys.read(`${name}.pub`).trim();

beforeAll(() => {
  for (const ca of [...trustedCas, "ca-c"]) keys.sshKeygen(ca, ca === "ca-b" ? "ecdsa" : "ed25519", ca === "ca-b" ? ["-b", "256"] : []);
  for (const key of userKeys) keys.sshKeygen(key, key === "k-sha1" ? "rsa" : "ed25519", key === "k-sha1" ? ["-b", "2048"] : []);
  revoke(["serial: 10-20", ...Array.from({ length: 31 }, (_, i) => `serial: ${100 + i * 2}`), "id: revoked-id"], ["-s", "ca-a.pub"]);
  revoke(["serial: 18446744073709551615", "serial: 1"], ["-u", "-s", "ca-b.pub"]);
  revoke(["serial: 1-18446744073709551615"], ["-u", "-s", "ca-c.pub"]);
  revoke(
    [
      `sha1: ${pubLine("k-sha1")}`,
      `key: ${pubLine("k-explicit")}`,
      `hash: ${keys.fingerprint("k-hash.pub", "sha256").fingerprint}`,
      `sha256: ${pubLine("k-sha256")}`,
    ],
    ["-u"],
  );
  // A trusted CA whose own key the KRL revokes: OpenSSH refuses every certificate it signed.
  revoke([`sha256: ${pubLine("ca-d")}`], ["-u"]);
  // A certificates section with no CA key holds for every CA; ssh-keygen 9.2 reads one but cannot write it.
  const range = Buffer.concat([Buffer.alloc(7), Buffer.from([3]), Buffer.alloc(7), Buffer.from([4])]);
  const everyCa = Buffer.concat([sshString(""), sshString(""), Buffer.from([0x21]), sshString(range), Buffer.from([0x23]), sshString(sshString("anyone"))]);
  writeFileSync(keys.path("krl"), Buffer.concat([readFileSync(keys.path("krl")), Buffer.from([1]), sshString(everyCa)]));
  let n = 0;
  const certify = (ca: string, key: string, serial: bigint, keyId: string) => {
    const name = `cert-${n++}`;
    keys.run("cp", [`${key}.pub`, `${name}.pub`]);
    keys.run("ssh-keygen", ["-q", "-s", ca, "-I", keyId, "-n", "alice", "-z", String(serial), "-V", "+1h", `${name}.pub`]);
    certificates.push(`${name}-cert.pub`);
  };
  for (const ca of trustedCas) for (const serial of serials) certify(ca, "k-plain", serial, `id-${serial}`);
  for (const ca of trustedCas) for (const key of userKeys) certify(ca, key, 50n, `id-${key}`);
  for (const ca of trustedCas) certify(ca, "k-other", 51n, "revoked-id");
  for (const ca of trustedCas) certify(ca, "k-other", 52n, "anyone");
}, 120_000);
afterAll(() => keys.cleanup());

describe.each(adapterNames)("ca import-krl against ssh-keygen -Q on %s", (name) => {
  let opened: OpenedStore;
  let store: SshKeyStore;
  beforeAll(async () => {
    opened = await openAdapter(name);
    store = opened.store;
    for (const ca of trustedCas) await store.authorities.add(ca, parsePublicKey(keys.read(`${ca}.pub`)), "username");
    await store.directory.addUser("alice");
    for (const key of userKeys) await store.directory.addKey("alice", keys.read(`${key}.pub`));
  });
  afterAll(() => opened?.close());

  const importFile = async (source: string, krl = "krl") => importKrl(store, decodeKrl(readFileSync(keys.path(krl))), source);

  it("says what it imported, skips the CA it does not trust, and revokes the stored keys the KRL names", async () => {
    const report = await importFile("corp.krl");
    const fingerprint = (key: string) => parsePublicKey(keys.read(`${key}.pub`)).fingerprintSha256;
    expect(report.notes.sort()).toEqual(
      [
        "CA ca-a: 32 serial ranges, 1 key id",
        "CA ca-b: 2 serial ranges, 0 key ids",
        "every CA: 1 serial range, 1 key id",
        `warning: skipped the certificates of CA ${fingerprint("ca-c")}, which is not trusted here (1 serial range, 0 key ids)`,
        "keys, certified by any CA: 1 key, 1 SHA-1 fingerprint, 3 SHA-256 fingerprints",
        ...["k-sha1", "k-explicit", "k-hash", "k-sha256"].map((key) => `revoked stored key ${fingerprint(key)} of alice`),
        "imported 42 revocations from corp.krl, replacing its previous import",
      ].sort(),
    );
    expect(report.revocations).toBe(32 + 1 + 2 + 2 + 5);
  });

  it("answers revoked exactly when ssh-keygen -Q does, for every certificate and stored key", async () => {
    const ours: Record<string, boolean> = {};
    const openssh: Record<string, boolean> = {};
    for (const file of certificates) {
      const cert = decodeCertificate(Buffer.from(keys.read(file).split(" ")[1]!, "base64"));
      const authority = await store.authorities.findByFingerprint(fingerprintSha256(cert.signatureKey));
      ours[file] = await store.authorities.isRevoked(authority!.id, certificateIdentity(cert.serial, cert.keyId, cert.keyBlob, cert.signatureKey));
      openssh[file] = opensshRevoked(file);
    }
    for (const key of await store.directory.listKeys("alice")) {
      const file = userKeys.find((k) => parsePublicKey(keys.read(`${k}.pub`)).fingerprintSha256 === key.fingerprintSha256)!;
      ours[file] = key.revokedAt !== null;
      openssh[file] = opensshRevoked(`${file}.pub`);
    }
    expect(ours).toEqual(openssh);
    // Both answers are interesting: some of each.
    expect(Object.values(ours).filter(Boolean).length).toBeGreaterThan(20);
    expect(Object.values(ours).filter((r) => !r).length).toBeGreaterThan(10);
  });

  it("refuses a KRL with a key id too long to index, keeping the previous import", async () => {
    revoke([`id: ${"x".repeat(1025)}`], ["-s", "ca-a.pub"], "long-krl");
    await expect(importFile("corp.krl", "long-krl")).rejects.toThrow("the KRL revokes a key id longer than 1024 bytes; refusing the whole import");
    expect((await store.authorities.countRevocations()).get(null)).toBe(7);
  });

  it("replaces its previous import when the same source is imported again, and leaves other sources and ca revoke alone", async () => {
    await store.authorities.revokeCertificates("ca-a", { serial: 7n });
    const a = (await store.authorities.list()).find((c) => c.name === "ca-a")!;
    const other = { keyId: "x", keyFingerprint: "SHA256:none" };
    await importFile("second.krl");
    revoke(["serial: 15"], ["-s", "ca-a.pub"], "next-krl");
    await importFile("corp.krl", "next-krl");
    const revoked = (serial: bigint) => store.authorities.isRevoked(a.id, { serial, ...other });
    // corp.krl now holds serial 15 alone; second.krl still holds 10-20 and the manual revocation holds 7.
    expect(await Promise.all([7n, 10n, 15n, 100n].map(revoked))).toEqual([true, true, true, true]);
    await importFile("second.krl", "next-krl");
    expect(await Promise.all([7n, 10n, 15n, 100n, 21n].map(revoked))).toEqual([true, false, true, false, false]);
    const counts = await store.authorities.countRevocations();
    expect(counts.get(a.id)).toBe(3);
    expect(counts.get(null)).toBeUndefined();
  });
});
