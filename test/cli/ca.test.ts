// `passport-sshkey ca …` as an administrator runs it: separate processes on one database,
// checked through the store the server reads.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePublicKey } from "../../strategy/keys/parse.js";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { runCli } from "../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";

describe("ca commands on sqlite", () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let dir: string;
  const keygen = (name: string, args: string[]) => {
    execFileSync("ssh-keygen", ["-q", "-N", "", "-C", `${name}-comment`, "-f", path.join(dir, name), ...args]);
    return path.join(dir, `${name}.pub`);
  };
  beforeAll(async () => {
    db = await createTestDatabase("sqlite");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-ca-"));
    env = { DATABASE_URL: db.url, HOME: dir };
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const caRows = async () =>
    JSON.parse((await runCli(["ca", "list", "--json"], { env })).stdout) as { name: string; principalMap: string; revokedAt: string | null }[];

  it("adds a CA with a principal map, lists it, refuses a duplicate and a bad map", async () => {
    const pub = keygen("corp-ca", ["-t", "ed25519"]);
    const added = await runCli(["ca", "add", pub, "--name", "corp", "--principal-map", "extension:login@github.com"], { env });
    expect(added).toMatchObject({
      code: 0,
      stdout: `trusted CA corp ${parsePublicKey(fs.readFileSync(pub, "utf8")).fingerprintSha256} (principals: extension:login@github.com)\n`,
    });
    expect(await caRows()).toMatchObject([{ name: "corp", principalMap: "extension:login@github.com", revokedAt: null }]);
    expect((await runCli(["ca", "add", pub, "--name", "again"], { env })).code).toBe(1);
    const badMap = await runCli(["ca", "add", keygen("other-ca", ["-t", "ed25519"]), "--principal-map", "email"], { env });
    expect([badMap.code, badMap.stderr]).toEqual([1, 'passport-sshkey: principal map "email" is not username, key-id or extension:NAME\n']);
    // Without --name, the key's comment names it.
    expect((await runCli(["ca", "add", path.join(dir, "other-ca.pub")], { env })).stdout).toMatch(/^trusted CA other-ca-comment SHA256:/);
  });

  it("refuses a CA key the key policy refuses (RSA under 2048 bits)", async () => {
    const weak = await runCli(["ca", "add", keygen("weak-ca", ["-t", "rsa", "-b", "1024"])], { env });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/2048/);
    expect((await caRows()).map((c) => c.name)).not.toContain("weak-ca-comment");
  });

  it("revokes by serial, key id, key and all; removes a CA", async () => {
    const userPub = keygen("user", ["-t", "ed25519"]);
    const fingerprint = parsePublicKey(fs.readFileSync(userPub, "utf8")).fingerprintSha256;
    for (const args of [
      ["--serial", "18446744073709551615"],
      ["--key-id", "alice@laptop"],
      ["--key", userPub],
    ]) {
      expect(await runCli(["ca", "revoke", "corp", ...args, "--reason", "lost"], { env })).toMatchObject({
        code: 0,
        stdout: "revoked certificates of CA corp\n",
      });
    }
    expect((await runCli(["ca", "revoke", "corp", "--serial", "18446744073709551616"], { env })).code).toBe(1);
    expect((await runCli(["ca", "revoke", "corp", "--serial", "1", "--all"], { env })).stderr).toBe(
      "passport-sshkey: give exactly one of --serial, --key-id, --key, --all\n",
    );
    const store = await openPrismaStore({ url: db.url, migrate: false });
    try {
      const corp = (await store.authorities.list()).find((c) => c.name === "corp")!;
      const other = { serial: 5n, keyId: "bob", keyFingerprint: "SHA256:x" };
      expect(await store.authorities.isRevoked(corp.id, other)).toBe(false);
      expect(await store.authorities.isRevoked(corp.id, { ...other, serial: 18446744073709551615n })).toBe(true);
      expect(await store.authorities.isRevoked(corp.id, { ...other, keyId: "alice@laptop" })).toBe(true);
      expect(await store.authorities.isRevoked(corp.id, { ...other, keyFingerprint: fingerprint })).toBe(true);
    } finally {
      await store.close();
    }
    expect(await runCli(["ca", "revoke", "corp", "--all"], { env })).toMatchObject({ code: 0, stdout: "revoked CA corp\n" });
    expect((await caRows()).find((c) => c.name === "corp")?.revokedAt).toEqual(expect.any(String));
    expect(await runCli(["ca", "remove", "corp"], { env })).toMatchObject({ code: 0, stdout: "removed CA corp\n" });
    expect((await caRows()).map((c) => c.name)).toEqual(["other-ca-comment"]);
    expect(await runCli(["ca", "remove", "corp"], { env })).toMatchObject({ code: 1, stderr: "passport-sshkey: no certificate authority corp\n" });
  });

  it("imports a KRL: says what applies, warns about CAs it does not trust, revokes stored keys it names, and refuses a broken file", async () => {
    const ca = keygen("krl-ca", ["-t", "ed25519"]);
    keygen("krl-untrusted", ["-t", "ed25519"]);
    const lost = keygen("lost", ["-t", "ed25519"]);
    expect((await runCli(["ca", "add", ca, "--name", "krl-ca"], { env })).code).toBe(0);
    expect((await runCli(["users", "add", "alice"], { env })).code).toBe(0);
    expect((await runCli(["keys", "add", "alice", lost], { env })).code).toBe(0);
    const spec = path.join(dir, "spec");
    const krl = path.join(dir, "revoked.krl");
    fs.writeFileSync(spec, "serial: 1-5\nserial: 7\nid: gone\n");
    execFileSync("ssh-keygen", ["-k", "-f", krl, "-s", ca, spec], { stdio: "ignore" });
    fs.writeFileSync(spec, "serial: 1-18446744073709551615\n");
    execFileSync("ssh-keygen", ["-k", "-u", "-f", krl, "-s", path.join(dir, "krl-untrusted.pub"), spec], { stdio: "ignore" });
    fs.writeFileSync(spec, `key: ${fs.readFileSync(lost, "utf8")}`);
    execFileSync("ssh-keygen", ["-k", "-u", "-f", krl, spec], { stdio: "ignore" });
    const lostFingerprint = parsePublicKey(fs.readFileSync(lost, "utf8")).fingerprintSha256;
    const untrusted = parsePublicKey(fs.readFileSync(path.join(dir, "krl-untrusted.pub"), "utf8")).fingerprintSha256;
    const imported = await runCli(["ca", "import-krl", krl], { env });
    expect(imported.stdout.split("\n").sort()).toEqual(
      [
        "",
        "CA krl-ca: 2 serial ranges, 1 key id",
        `warning: skipped the certificates of CA ${untrusted}, which is not trusted here (1 serial range, 0 key ids)`,
        "keys, certified by any CA: 1 key, 0 SHA-1 fingerprints, 0 SHA-256 fingerprints",
        `revoked stored key ${lostFingerprint} of alice`,
        "imported 4 revocations from revoked.krl, replacing its previous import",
      ].sort(),
    );
    expect(imported.code).toBe(0);
    const keysJson = JSON.parse((await runCli(["keys", "list", "alice", "--json"], { env })).stdout) as {
      revokedAt: string | null;
      revokedReason: string | null;
    }[];
    expect(keysJson).toMatchObject([{ revokedAt: expect.any(String), revokedReason: "KRL revoked.krl" }]);
    // Again from cron: the same rows, and nothing left to revoke.
    expect((await runCli(["ca", "import-krl", krl, "--source", "revoked.krl"], { env })).stdout).toMatch(/imported 4 revocations from revoked.krl/);
    const listed = JSON.parse((await runCli(["ca", "list", "--json"], { env })).stdout) as { name: string; revocations: number }[];
    expect(listed.find((c) => c.name === "krl-ca")?.revocations).toBe(3);

    fs.writeFileSync(path.join(dir, "broken.krl"), fs.readFileSync(krl).subarray(0, 60));
    expect(await runCli(["ca", "import-krl", path.join(dir, "broken.krl")], { env })).toMatchObject({
      code: 1,
      stderr: `passport-sshkey: ${path.join(dir, "broken.krl")}: This is not a valid OpenSSH KRL: a section is truncated (a length field is larger than the data that follows).\n`,
    });
    expect((await runCli(["ca", "import-krl", spec], { env })).stderr).toMatch(/does not start with "SSHKRL"/);
    expect((await runCli(["ca", "import-krl", krl, "--source", "bad\nname"], { env })).stderr).toMatch(/--source must be 1 to 128 printable ASCII/);
    expect((await runCli(["ca", "import-krl", path.join(dir, "missing.krl")], { env })).stderr).toMatch(/cannot read .*missing.krl: ENOENT/);
  });

  it("revokes a serial range", async () => {
    expect((await runCli(["ca", "add", keygen("range-ca", ["-t", "ed25519"]), "--name", "range"], { env })).code).toBe(0);
    expect(await runCli(["ca", "revoke", "range", "--serial", "10-20"], { env })).toMatchObject({ code: 0, stdout: "revoked certificates of CA range\n" });
    expect((await runCli(["ca", "revoke", "range", "--serial", "20-10"], { env })).stderr).toMatch(
      /--serial must be a number from 0 to 2\^64-1 or a range A-B/,
    );
    const store = await openPrismaStore({ url: db.url, migrate: false });
    try {
      const range = (await store.authorities.list()).find((c) => c.name === "range")!;
      const at = (serial: bigint) => store.authorities.isRevoked(range.id, { serial, keyId: "x", keyFingerprint: "SHA256:x" });
      expect(await Promise.all([9n, 10n, 20n, 21n].map(at))).toEqual([false, true, true, false]);
    } finally {
      await store.close();
    }
  });
});
