// OpenSSH user certificates over SSHSIG, made by the real `ssh-keygen -s` and signed by the real
// `ssh-keygen -Y sign -f KEY-cert.pub` (given the key itself, ssh-keygen signs as the plain key).
import { copyFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePublicKey } from "../../../strategy/keys/parse.js";
import { createDemoApp } from "../../../strategy/server/demo-app.js";
import { SshKeyStrategy } from "../../../strategy/strategy.js";
import { createMemoryStore } from "../../../strategy/store/index.js";
import { databaseKinds } from "../../support/databases.js";
import { lastEvent, lastEventCode } from "../../support/events.js";
import { startTestServer, type MemoryTestServer } from "../../support/server.js";
import { KeyDir } from "../../support/ssh-keygen.js";
import { signedSshsig, sshKeygenSign, sshsigAuthorization, sshsigMessageOf, sshsigNonce } from "../../support/sshsig.js";

interface Reply {
  error?: { code: string; message: string };
  username?: string;
  scheme?: string;
}

const caKinds = [
  ["ca-ed25519", ["ed25519"]],
  ["ca-ecdsa", ["ecdsa", "-b", "256"]],
  ["ca-rsa", ["rsa", "-b", "2048"]],
] as const;

describe.each(["memory", ...databaseKinds] as const)("SSHSIG with OpenSSH certificates on %s", (kind) => {
  let t: MemoryTestServer;
  let host: string;
  const keys = new KeyDir();
  let serial = 100;

  beforeAll(async () => {
    t =
      kind === "memory"
        ? await startTestServer("memory", { exposeErrorCodes: true, crtauth: { secret: "certificates-test-secret" } })
        : await startTestServer(kind, { exposeErrorCodes: true, crtauth: { secret: "certificates-test-secret" } });
    host = new URL(t.url).host;
    await t.store.directory.addUser("alice");
    await t.store.directory.addUser("bob");
    for (const [name, [type, ...extra]] of caKinds) {
      const pub = keys.sshKeygen(name, type, [...extra]);
      await t.store.authorities.add(name, parsePublicKey(pub), "username");
    }
    keys.sshKeygen("ca-untrusted", "ed25519");
    keys.sshKeygen("user-ed25519", "ed25519");
    keys.sshKeygen("user-ecdsa", "ecdsa", ["-b", "256"]);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    keys.cleanup();
  });

  const now = () => Math.floor(t.clock.now / 1000);

  /** A fresh copy of a user key and its certificate by `ca` (`ssh-keygen -s`); returns the -cert.pub path to sign with. */
  const certify = (ca: string, args: string[], userKey = "user-ed25519"): string => {
    const name = `cert-${serial++}`;
    copyFileSync(keys.path(userKey), keys.path(name));
    copyFileSync(keys.path(`${userKey}.pub`), keys.path(`${name}.pub`));
    keys.run("ssh-keygen", ["-q", "-s", ca, "-I", `id-${name}`, "-z", String(serial), ...args, `${name}.pub`]);
    return keys.path(`${name}-cert.pub`);
  };

  const login = async (certPath: string, username = "alice") => {
    const authorization = signedSshsig(certPath, { username, time: now(), nonce: sshsigNonce(), host });
    const r = await fetch(`${t.url}/whoami`, { headers: { authorization } });
    return { status: r.status, body: (await r.json()) as Reply };
  };

  const refusedWith = async (certPath: string, code: string, username = "alice", message?: RegExp) => {
    const r = await login(certPath, username);
    expect(r.status).toBe(401);
    expect(r.body.error?.code).toBe(code);
    if (message) expect(r.body.error?.message).toMatch(message);
    expect(await lastEventCode(t.store)).toBe(code);
  };

  for (const [ca] of caKinds) {
    it(`signs alice in with a certificate of ${ca}, no key uploaded`, async () => {
      const r = await login(certify(ca, ["-n", "alice", "-V", "+1h"]));
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ username: "alice", scheme: "sshsig" });
      expect(await t.store.directory.listKeys("alice")).toEqual([]);
    });
  }

  it("logs a certificate login with the CA, serial, key id and principal, and marks the CA used", async () => {
    t.clock.now += 1000;
    const certPath = certify("ca-ed25519", ["-n", "alice", "-V", "+1h"]);
    expect((await login(certPath)).status).toBe(200);
    const ca = (await t.store.authorities.list()).find((c) => c.name === "ca-ed25519")!;
    expect(await lastEvent(t.store)).toMatchObject({
      outcome: "success",
      username: "alice",
      keyId: null,
      caId: ca.id,
      certSerial: String(serial),
      certKeyId: `id-cert-${serial - 1}`,
      certPrincipal: "alice",
    });
    await expect.poll(async () => (await t.store.authorities.list()).find((c) => c.name === "ca-ed25519")?.lastUsedAt).toEqual(new Date(t.clock.now));
  });

  it("does not exchange a certificate login for an SSHSIG token (a token needs a stored key to check on every use)", async () => {
    const certPath = certify("ca-ed25519", ["-n", "alice", "-V", "+1h"]);
    const authorization = signedSshsig(certPath, { username: "alice", time: now(), nonce: sshsigNonce(), host, method: "POST", target: "/_sshsig/token" });
    const r = await fetch(`${t.url}/_sshsig/token`, { method: "POST", headers: { authorization } });
    expect(r.status).toBe(401);
    expect(((await r.json()) as Reply).error?.code).toBe("rejected");
    expect(await lastEventCode(t.store)).toBe("rejected");
  });

  it("signs in an ECDSA certified key", async () => {
    expect((await login(certify("ca-ed25519", ["-n", "alice", "-V", "+1h"], "user-ecdsa"))).status).toBe(200);
  });

  it("refuses an expired and a not yet valid certificate", async () => {
    // Measured against the server's clock, in the one clock-skew wording (ssh-keygen stamps the window by the wall clock).
    const at = String.raw`\(server time \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, allowed 60 s`;
    await refusedWith(
      certify("ca-ed25519", ["-n", "alice", "-V", "-2h:-1h"]),
      "certificate_expired",
      "alice",
      new RegExp(String.raw`^certificate valid-before is 3[56]\d\d s behind the server ${at} behind\)$`),
    );
    await refusedWith(
      certify("ca-ed25519", ["-n", "alice", "-V", "+1h:+2h"]),
      "certificate_not_yet_valid",
      "alice",
      new RegExp(String.raw`^certificate valid-after is 3[56]\d\d s ahead of the server ${at} ahead\)$`),
    );
  });

  it("refuses a certificate for another principal, and one for alice signing in as bob", async () => {
    await refusedWith(certify("ca-ed25519", ["-n", "carol", "-V", "+1h"]), "certificate_principal_mismatch");
    await refusedWith(certify("ca-ed25519", ["-n", "alice", "-V", "+1h"]), "certificate_principal_mismatch", "bob");
  });

  it("refuses a user that does not exist as an unknown key (users are never created)", async () => {
    await refusedWith(certify("ca-ed25519", ["-n", "mallory", "-V", "+1h"]), "unknown_key", "mallory");
  });

  it("refuses a host certificate", async () => {
    await refusedWith(certify("ca-ed25519", ["-h", "-n", "alice", "-V", "+1h"]), "certificate_not_user");
  });

  it("refuses force-command and an unknown critical option", async () => {
    await refusedWith(certify("ca-ed25519", ["-n", "alice", "-V", "+1h", "-O", "force-command=/bin/true"]), "certificate_option_unsupported");
    await refusedWith(certify("ca-ed25519", ["-n", "alice", "-V", "+1h", "-O", "critical:foo@example.com=bar"]), "certificate_option_unsupported");
  });

  it("checks source-address against the client's address (IPv4 and IPv6 lists)", async () => {
    await refusedWith(certify("ca-ed25519", ["-n", "alice", "-V", "+1h", "-O", "source-address=10.0.0.0/8,2001:db8::/32"]), "certificate_source_address");
    const r = await login(certify("ca-ed25519", ["-n", "alice", "-V", "+1h", "-O", "source-address=2001:db8::/32,127.0.0.0/8"]));
    expect(r.status).toBe(200);
  });

  it("refuses a certificate whose CA signature is corrupted, though it names a trusted CA", async () => {
    // ssh-keygen will not load a certificate whose signature is bad, so the byte is flipped in
    // the SSHSIG blob it made: `publickey` (offset 10) is outside the data the certified key signs.
    const parts = { username: "alice", time: now(), nonce: sshsigNonce(), host };
    const blob = Buffer.from(sshKeygenSign(certify("ca-ed25519", ["-n", "alice", "-V", "+1h"]), sshsigMessageOf(parts)), "base64");
    const certEnd = 14 + blob.readUInt32BE(10);
    blob[certEnd - 5]! ^= 0x01;
    const r = await fetch(`${t.url}/whoami`, { headers: { authorization: sshsigAuthorization(parts, blob.toString("base64")) } });
    expect(r.status).toBe(401);
    expect(((await r.json()) as Reply).error?.code).toBe("bad_signature");
    expect(await lastEventCode(t.store)).toBe("bad_signature");
  });

  it("refuses a certificate an RSA CA signed with ssh-rsa (SHA-1)", async () => {
    await refusedWith(certify("ca-rsa", ["-t", "ssh-rsa", "-n", "alice", "-V", "+1h"]), "alg_not_allowed");
  });

  it("refuses a certificate of a CA it does not trust as an unknown key", async () => {
    await refusedWith(certify("ca-untrusted", ["-n", "alice", "-V", "+1h"]), "unknown_key");
  });

  it("refuses certificates revoked by serial, by key id and by certified key", async () => {
    const bySerial = certify("ca-ecdsa", ["-n", "alice", "-V", "+1h"]);
    expect((await login(bySerial)).status).toBe(200);
    await t.store.authorities.revokeCertificates("ca-ecdsa", { serial: BigInt(serial) });
    await refusedWith(bySerial, "certificate_revoked");

    const byKeyId = certify("ca-ecdsa", ["-n", "alice", "-V", "+1h"]);
    const keyId = `id-cert-${serial - 1}`;
    await t.store.authorities.revokeCertificates("ca-ecdsa", { keyId });
    await refusedWith(byKeyId, "certificate_revoked");

    const byKey = certify("ca-ecdsa", ["-n", "alice", "-V", "+1h"], "user-ecdsa");
    expect((await login(byKey)).status).toBe(200);
    await t.store.authorities.revokeCertificates("ca-ecdsa", { keyFingerprint: parsePublicKey(keys.read("user-ecdsa.pub")).fingerprintSha256 });
    await refusedWith(byKey, "certificate_revoked");
    expect((await login(certify("ca-ecdsa", ["-n", "alice", "-V", "+1h"]))).status).toBe(200);
  });

  it("refuses every certificate of a revoked CA, and of a removed one as an unknown key", async () => {
    const pub = keys.sshKeygen(`ca-gone-${kind}`, "ed25519");
    await t.store.authorities.add("gone", parsePublicKey(pub), "username");
    const certPath = certify(`ca-gone-${kind}`, ["-n", "alice", "-V", "+1h"]);
    expect((await login(certPath)).status).toBe(200);
    await t.store.authorities.revokeAll("gone");
    await refusedWith(certPath, "certificate_revoked");
    await t.store.authorities.remove("gone");
    await refusedWith(certPath, "unknown_key");
  });

  it("maps the user from the key id or from an extension when the CA says so", async () => {
    const byKeyId = keys.sshKeygen(`ca-keyid-${kind}`, "ed25519");
    await t.store.authorities.add("by-key-id", parsePublicKey(byKeyId), "key-id");
    const name = `cert-${serial++}`;
    copyFileSync(keys.path("user-ed25519"), keys.path(name));
    copyFileSync(keys.path("user-ed25519.pub"), keys.path(`${name}.pub`));
    keys.run("ssh-keygen", ["-q", "-s", `ca-keyid-${kind}`, "-I", "alice", "-n", "someone-else", "-V", "+1h", `${name}.pub`]);
    expect((await login(keys.path(`${name}-cert.pub`))).status).toBe(200);
    await refusedWith(certify(`ca-keyid-${kind}`, ["-n", "alice", "-V", "+1h"]), "certificate_principal_mismatch");

    const byExtension = keys.sshKeygen(`ca-ext-${kind}`, "ed25519");
    await t.store.authorities.add("github", parsePublicKey(byExtension), "extension:login@github.com");
    expect((await login(certify(`ca-ext-${kind}`, ["-n", "x", "-V", "+1h", "-O", "extension:login@github.com=alice"]))).status).toBe(200);
    await refusedWith(certify(`ca-ext-${kind}`, ["-n", "alice", "-V", "+1h", "-O", "extension:login@github.com=bob"]), "certificate_principal_mismatch");
    await refusedWith(certify(`ca-ext-${kind}`, ["-n", "alice", "-V", "+1h"]), "certificate_principal_mismatch");
  });

  it("refuses a disabled user", async () => {
    await t.store.directory.setUserFlags("bob", { disabled: true });
    await refusedWith(certify("ca-ed25519", ["-n", "bob", "-V", "+1h"]), "user_disabled", "bob");
  });
});

describe("SSHSIG certificates: source-address behind a trusted proxy", () => {
  const keys = new KeyDir();
  let server: http.Server;
  let host: string;
  beforeAll(async () => {
    const store = createMemoryStore();
    await store.directory.addUser("alice");
    await store.authorities.add("corp", parsePublicKey(keys.sshKeygen("ca", "ed25519")), "username");
    keys.sshKeygen("key", "ed25519");
    keys.run("ssh-keygen", ["-q", "-s", "ca", "-I", "id", "-n", "alice", "-V", "+1h", "-O", "source-address=203.0.113.0/24", "key.pub"]);
    const strategy = new SshKeyStrategy({ store, schemes: ["sshsig"], exposeErrorCodes: true });
    server = http.createServer(createDemoApp({ strategy, log: () => {}, admin: false, trustProxy: "loopback" }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 30_000);
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    keys.cleanup();
  });

  const login = async (headers: Record<string, string>) => {
    const authorization = signedSshsig(keys.path("key-cert.pub"), { username: "alice", time: Math.floor(Date.now() / 1000), nonce: sshsigNonce(), host });
    const r = await fetch(`http://${host}/whoami`, { headers: { authorization, ...headers } });
    return { status: r.status, body: (await r.json()) as Reply };
  };

  it("matches the address the proxy forwarded, not the proxy's own", async () => {
    expect(await login({ "x-forwarded-for": "203.0.113.7" })).toMatchObject({ status: 200, body: { username: "alice" } });
    expect(await login({ "x-forwarded-for": "198.51.100.7" })).toMatchObject({ status: 401, body: { error: { code: "certificate_source_address" } } });
    expect(await login({})).toMatchObject({ status: 401, body: { error: { code: "certificate_source_address" } } });
  });
});
