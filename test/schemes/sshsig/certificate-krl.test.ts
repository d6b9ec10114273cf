// An OpenSSH KRL (`ssh-keygen -k`) imported with `passport-sshkey ca import-krl` refuses the
// certificate logins it names at once; importing its next version from the same source replaces it.
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importKrl } from "../../../strategy/cli/krl-import.js";
import { decodeKrl } from "../../../strategy/keys/krl.js";
import { parsePublicKey } from "../../../strategy/keys/parse.js";
import { runCli } from "../../support/cli.js";
import { databaseKinds } from "../../support/databases.js";
import { lastEventCode } from "../../support/events.js";
import { startTestServer, type MemoryTestServer, type TestServer } from "../../support/server.js";
import { KeyDir } from "../../support/ssh-keygen.js";
import { signedSshsig, sshsigNonce } from "../../support/sshsig.js";

describe.each(["memory", ...databaseKinds] as const)("SSHSIG certificates under an imported KRL on %s", (kind) => {
  let t: MemoryTestServer;
  let host: string;
  const keys = new KeyDir();
  let n = 0;

  // The CLI runs as its own process on the server's database; a memory store has none to share,
  // so there the test calls the module the CLI runs.
  const cli = async (args: string[]) => {
    const r = await runCli(args, { env: { DATABASE_URL: (t as TestServer).database.url } });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    return r.stdout;
  };
  const importKrlFile = async (file: string) =>
    kind === "memory"
      ? void (await importKrl(t.store, decodeKrl(readFileSync(keys.path(file))), "corp"))
      : cli(["ca", "import-krl", keys.path(file), "--source", "corp"]);

  beforeAll(async () => {
    t = kind === "memory" ? await startTestServer("memory", { exposeErrorCodes: true }) : await startTestServer(kind, { exposeErrorCodes: true });
    host = new URL(t.url).host;
    await t.store.directory.addUser("alice");
    const ca = keys.sshKeygen("ca", "ed25519");
    if (kind === "memory") await t.store.authorities.add("corp", parsePublicKey(ca), "username");
    else expect(await cli(["ca", "add", keys.path("ca.pub"), "--name", "corp"])).toMatch(/^trusted CA corp SHA256:/);
    keys.sshKeygen("user", "ed25519");
    keys.sshKeygen("lost", "ed25519");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    keys.cleanup();
  });

  /** ssh-keygen -k -s ca.pub with these spec lines, into `file`. */
  const krl = (file: string, lines: string[]) => {
    writeFileSync(keys.path("spec"), lines.map((l) => `${l}\n`).join(""));
    keys.run("ssh-keygen", ["-k", "-f", file, "-s", "ca.pub", "spec"]);
  };

  /** A certificate for alice by the CA (`ssh-keygen -s`) with this serial and key id; returns the -cert.pub path. */
  const certify = (serial: number, keyId = `id-${serial}`, key = "user") => {
    const name = `cert-${n++}`;
    copyFileSync(keys.path(key), keys.path(name));
    copyFileSync(keys.path(`${key}.pub`), keys.path(`${name}.pub`));
    keys.run("ssh-keygen", ["-q", "-s", "ca", "-I", keyId, "-n", "alice", "-z", String(serial), "-V", "+1h", `${name}.pub`]);
    return keys.path(`${name}-cert.pub`);
  };

  const login = async (certPath: string) => {
    const authorization = signedSshsig(certPath, { username: "alice", time: Math.floor(t.clock.now / 1000), nonce: sshsigNonce(), host });
    const r = await fetch(`${t.url}/whoami`, { headers: { authorization } });
    return { status: r.status, code: ((await r.json()) as { error?: { code: string } }).error?.code };
  };
  const refused = async (certPath: string) => {
    expect(await login(certPath)).toEqual({ status: 401, code: "certificate_revoked" });
    expect(await lastEventCode(t.store)).toBe("certificate_revoked");
  };

  it("refuses a serial in a KRL range, a key id and a certified key the KRL names; signs in another serial", async () => {
    const inRange = certify(1500);
    const byKeyId = certify(5, "stolen-laptop");
    const byKey = certify(6, "id-6", "lost");
    const outside = certify(2000);
    for (const cert of [inRange, byKeyId, byKey, outside]) expect((await login(cert)).status).toBe(200);
    krl("corp.krl", ["serial: 1000-1999", "id: stolen-laptop", `sha256: ${keys.read("lost.pub").trim()}`]);
    const printed = await importKrlFile("corp.krl");
    if (printed !== undefined) {
      expect(printed).toBe(
        "CA corp: 1 serial range, 1 key id\nkeys, certified by any CA: 0 keys, 0 SHA-1 fingerprints, 1 SHA-256 fingerprint\nimported 3 revocations from corp, replacing its previous import\n",
      );
    }
    await refused(inRange);
    await refused(byKeyId);
    await refused(byKey);
    expect(await login(outside)).toEqual({ status: 200, code: undefined });
  }, 60_000);

  it("signs the serial in again once the next import from the same source no longer lists it", async () => {
    const inRange = certify(1001);
    await refused(inRange);
    krl("corp.krl", ["id: stolen-laptop"]);
    await importKrlFile("corp.krl");
    expect(await login(inRange)).toEqual({ status: 200, code: undefined });
    await refused(certify(7, "stolen-laptop"));
    expect((await login(certify(8, "id-8", "lost"))).status).toBe(200);
  }, 60_000);
});
