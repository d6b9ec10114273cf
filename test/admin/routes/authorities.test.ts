// Certificate authorities through the admin API, and the certificate logins it shows: on the
// store the strategy reads, so a CA added or a serial revoked here holds on the next request.
// Certificates are made by the real `ssh-keygen -s`, requests signed by `ssh-keygen -Y sign`.
import { copyFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../../support/databases.js";
import { lastEvent } from "../../support/events.js";
import { startTestServer, type MemoryTestServer } from "../../support/server.js";
import { KeyDir } from "../../support/ssh-keygen.js";
import { signedSshsig, sshKeygenSign, sshsigAuthorization, sshsigMessageOf, sshsigNonce } from "../../support/sshsig.js";
import { signInTo, type Client } from "../support.js";

describe.each(["memory", ...databaseKinds] as const)("certificate authorities in the admin API on %s", (kind) => {
  let t: MemoryTestServer;
  let host: string;
  let root: Client;
  let alice: Client;
  let bob: Client;
  const keys = new KeyDir();
  let serial = 500;

  beforeAll(async () => {
    t = kind === "memory" ? await startTestServer("memory", { exposeErrorCodes: true }) : await startTestServer(kind, { exposeErrorCodes: true });
    host = new URL(t.url).host;
    await t.store.directory.addUser("root", { isAdmin: true });
    await t.store.directory.addUser("alice");
    await t.store.directory.addUser("bob");
    keys.sshKeygen("corp", "ed25519");
    keys.sshKeygen("other", "ecdsa", ["-b", "256"]);
    keys.sshKeygen("user", "ed25519");
    root = await signInTo(t.url, t.store, "root");
    alice = await signInTo(t.url, t.store, "alice");
    bob = await signInTo(t.url, t.store, "bob");
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    keys.cleanup();
  });

  /** A fresh copy of the user key certified by `ca`; returns the -cert.pub path and its key id. */
  const certify = (ca: string, args: string[]) => {
    const name = `cert-${serial++}`;
    copyFileSync(keys.path("user"), keys.path(name));
    copyFileSync(keys.path("user.pub"), keys.path(`${name}.pub`));
    keys.run("ssh-keygen", ["-q", "-s", ca, "-I", `id-${name}`, "-z", String(serial), ...args, `${name}.pub`]);
    return { path: keys.path(`${name}-cert.pub`), keyId: `id-${name}`, serial: String(serial) };
  };

  const login = async (certPath: string, username = "alice") => {
    const authorization = signedSshsig(certPath, { username, time: Math.floor(t.clock.now / 1000), nonce: sshsigNonce(), host });
    const r = await fetch(`${t.url}/whoami`, { headers: { authorization } });
    return { status: r.status, text: await r.text() };
  };

  const eventsOf = async (client: Client, path: string) => {
    await t.store.events.flush();
    return client.call("GET", path);
  };

  it("an admin adds a CA and lists it; its certificates sign in on the next request, and the CA shows its last use", async () => {
    expect(await root.call("GET", "/authorities")).toMatchObject({ status: 200, body: { authorities: [] } });
    const cert = certify("corp", ["-n", "alice", "-V", "+1h"]);
    expect((await login(cert.path)).status).toBe(401);

    const added = await root.call("POST", "/authorities", { key: keys.read("corp.pub"), name: "corp" });
    expect(added.status).toBe(201);
    expect(added.body.authority).toMatchObject({
      name: "corp",
      type: "ssh-ed25519",
      fingerprintSha256: expect.stringMatching(/^SHA256:/),
      principalMap: "username",
      lastUsedAt: null,
      revokedAt: null,
      revocationCount: 0,
    });
    expect((await login(cert.path)).status).toBe(200);
    await expect
      .poll(async () => (await root.call("GET", "/authorities")).body.authorities[0].lastUsedAt, { timeout: 5000 })
      .toBe(new Date(t.clock.now).toISOString());
  });

  it("takes a principal map, and refuses the same name or key twice (409)", async () => {
    const other = await root.call("POST", "/authorities", { key: keys.read("other.pub"), name: "github", principalMap: "extension:login@github.com" });
    expect([other.status, other.body.authority.principalMap, other.body.authority.type]).toEqual([201, "extension:login@github.com", "ecdsa-sha2-nistp256"]);
    const sameName = await root.call("POST", "/authorities", { key: keys.sshKeygen(`fresh-${kind}`, "ed25519"), name: "corp" });
    expect([sameName.status, sameName.body.error.code]).toEqual([409, "authority_exists"]);
    const sameKey = await root.call("POST", "/authorities", { key: keys.read("corp.pub"), name: "corp-again" });
    expect([sameKey.status, sameKey.body.error.code]).toEqual([409, "authority_exists"]);
    const names = (await root.call("GET", "/authorities")).body.authorities.map((a: { name: string }) => a.name);
    expect(names).toEqual(["corp", "github"]);
  });

  it("answers a user 403 on every CA route", async () => {
    for (const [method, path, body] of [
      ["GET", "/authorities", undefined],
      ["POST", "/authorities", { key: keys.read("user.pub"), name: "mine" }],
      ["POST", "/authorities/corp/revoke", { all: true }],
      ["DELETE", "/authorities/corp", undefined],
    ] as const) {
      const r = await alice.call(method, path, body);
      expect([method, path, r.status, r.body.error.code]).toEqual([method, path, 403, "forbidden"]);
    }
    expect((await root.call("GET", "/authorities")).body.authorities.find((a: { name: string }) => a.name === "corp").revokedAt).toBeNull();
  });

  it("refuses hostile bodies with 400 (naming the field) or 413, never 500", async () => {
    keys.sshKeygen("rsa1024", "rsa", ["-b", "1024"]);
    keys.sshKeygen("dsa", "dsa");
    const cert = certify("corp", ["-n", "alice", "-V", "+1h"]);
    const cases: [unknown, number, string, RegExp][] = [
      [{ name: "x" }, 400, "invalid_body", /^key:/],
      [{ key: keys.read("user.pub") }, 400, "invalid_body", /^name:/],
      [{ key: keys.read("user.pub"), name: "   " }, 400, "invalid_body", /^name:/],
      [{ key: keys.read("user.pub"), name: "a\u0000b" }, 400, "invalid_body", /^name:/],
      [{ key: keys.read(cert.path.split("/").pop()!), name: "x" }, 400, "invalid_key", /certificates .* are not accepted/i],
      [{ key: keys.read("rsa1024.pub"), name: "x" }, 400, "invalid_key", /1024 bits/],
      [{ key: keys.read("dsa.pub"), name: "x" }, 400, "invalid_key", /DSA/],
      [{ key: "garbage", name: "x" }, 400, "invalid_key", /^key: /],
      [{ key: keys.read("user"), name: "x" }, 400, "private_key", /private key/],
      [{ key: keys.read("user.pub"), name: "x", principalMap: "email" }, 400, "invalid_body", /^principalMap:/],
      [{ key: keys.read("user.pub"), name: "x", principalMap: "extension:" }, 400, "invalid_body", /^principalMap:/],
      [{ key: keys.read("user.pub"), name: "x", admin: true }, 400, "invalid_body", /./],
      [{ key: "A".repeat(30_000), name: "x" }, 400, "invalid_body", /^key:/],
      ["not json", 400, "malformed_json", /JSON/],
      [{ key: "A".repeat(100_000), name: "x" }, 413, "body_too_large", /too large/],
    ];
    for (const [body, status, code, message] of cases) {
      const r = await root.call("POST", "/authorities", body);
      expect([JSON.stringify(body).slice(0, 60), r.status, r.body.error?.code]).toEqual([JSON.stringify(body).slice(0, 60), status, code]);
      expect(r.body.error.message).toMatch(message);
    }
    expect((await root.call("GET", "/authorities")).body.authorities).toHaveLength(2);
  });

  it("refuses bad revocations: none or two selectors, a bad serial or fingerprint, an unknown CA", async () => {
    const cases: [string, unknown, number, string][] = [
      ["/authorities/corp/revoke", {}, 400, "invalid_body"],
      ["/authorities/corp/revoke", { serial: "1", keyId: "x" }, 400, "invalid_body"],
      ["/authorities/corp/revoke", { serial: "-1" }, 400, "invalid_body"],
      ["/authorities/corp/revoke", { serial: "18446744073709551616" }, 400, "invalid_body"],
      ["/authorities/corp/revoke", { serial: 5 }, 400, "invalid_body"],
      ["/authorities/corp/revoke", { keyFingerprint: "MD5:00" }, 400, "invalid_body"],
      ["/authorities/corp/revoke", { all: false }, 400, "invalid_body"],
      ["/authorities/corp/revoke", { all: true, reason: "kept nowhere" }, 400, "invalid_body"],
      ["/authorities/nobody/revoke", { serial: "1" }, 404, "authority_not_found"],
      ["/authorities/nobody/revoke", { all: true }, 404, "authority_not_found"],
    ];
    for (const [path, body, status, code] of cases) {
      const r = await root.call("POST", path, body);
      expect([path, JSON.stringify(body), r.status, r.body.error?.code]).toEqual([path, JSON.stringify(body), status, code]);
    }
    const r = await root.call("DELETE", "/authorities/nobody");
    expect([r.status, r.body.error.code]).toEqual([404, "authority_not_found"]);
  });

  it("revoking a serial through the API refuses that certificate on the next request, and only that one", async () => {
    const revoked = certify("corp", ["-n", "alice", "-V", "+1h"]);
    const kept = certify("corp", ["-n", "alice", "-V", "+1h"]);
    expect((await login(revoked.path)).status).toBe(200);
    const r = await root.call("POST", "/authorities/corp/revoke", { serial: revoked.serial, reason: "laptop stolen" });
    expect([r.status, r.body.authority.revocationCount, r.body.authority.revokedAt]).toEqual([200, 1, null]);
    const refused = await login(revoked.path);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.text).error.code).toBe("certificate_revoked");
    // The client hears the code only; the certificate's details are for the log.
    expect(refused.text).not.toContain(revoked.keyId);
    expect(refused.text).not.toContain(revoked.serial);
    expect((await login(kept.path)).status).toBe(200);

    const byKeyId = await root.call("POST", "/authorities/corp/revoke", { keyId: kept.keyId });
    expect(byKeyId.body.authority.revocationCount).toBe(2);
    expect(JSON.parse((await login(kept.path)).text).error.code).toBe("certificate_revoked");
  });

  it("shows certificate logins and refusals with CA, serial and key id to admins and to their user, not to others", async () => {
    const ok = certify("corp", ["-n", "alice", "-V", "+1h"]);
    expect((await login(ok.path)).status).toBe(200);
    const expired = certify("corp", ["-n", "alice", "-V", "-2h:-1h"]);
    expect(JSON.parse((await login(expired.path)).text).error.code).toBe("certificate_expired");
    const corpId = (await root.call("GET", "/authorities")).body.authorities.find((a: { name: string }) => a.name === "corp").id;

    const success = {
      outcome: "success",
      username: "alice",
      certificate: { caId: corpId, caName: "corp", serial: ok.serial, keyId: ok.keyId, principal: "alice" },
    };
    const refusal = {
      outcome: "failure",
      errorCode: "certificate_expired",
      certificate: { caId: corpId, caName: "corp", serial: expired.serial, keyId: expired.keyId, principal: null },
    };
    const all = await eventsOf(root, "/events?user=alice");
    expect(all.status).toBe(200);
    expect(all.body.events.slice(0, 2)).toMatchObject([refusal, success]);

    const own = await eventsOf(alice, "/certificate-logins");
    expect(own.status).toBe(200);
    expect(own.body.events.slice(0, 2)).toMatchObject([refusal, success]);
    expect(own.body.events.every((e: { certificate: unknown; userId: string }) => e.certificate !== null)).toBe(true);
    expect((await eventsOf(root, "/certificate-logins?user=alice")).body.events.slice(0, 2)).toMatchObject([refusal, success]);

    expect((await eventsOf(bob, "/certificate-logins")).body.events).toEqual([]);
    const peek = await bob.call("GET", "/certificate-logins?user=alice");
    expect([peek.status, peek.body.error.code]).toEqual([403, "forbidden"]);
    expect((await bob.call("GET", "/events?user=alice")).status).toBe(403);
    const unknown = await root.call("GET", "/certificate-logins?user=nobody");
    expect([unknown.status, unknown.body.error.code]).toEqual([404, "user_not_found"]);
  });

  it("logs a refused certificate of an untrusted CA with its serial and key id but no CA, for admins only", async () => {
    keys.sshKeygen("untrusted", "ed25519");
    const cert = certify("untrusted", ["-n", "alice", "-V", "+1h"]);
    expect((await login(cert.path)).status).toBe(401);
    expect(await lastEvent(t.store)).toMatchObject({ errorCode: "unknown_key", caId: null, certSerial: cert.serial, certKeyId: cert.keyId });
    const logged = (await eventsOf(root, "/events?user=alice")).body.events[0];
    expect(logged.certificate).toEqual({ caId: null, caName: null, serial: cert.serial, keyId: cert.keyId, principal: null });
    // Only claimed alice's name: not shown to alice as one of her logins.
    expect((await eventsOf(alice, "/certificate-logins")).body.events.map((e: { certificate: { keyId: string } }) => e.certificate.keyId)).not.toContain(
      cert.keyId,
    );
  });

  it("logs a principal mismatch and a bad CA signature with the CA", async () => {
    const carol = certify("corp", ["-n", "carol", "-V", "+1h"]);
    expect(JSON.parse((await login(carol.path)).text).error.code).toBe("certificate_principal_mismatch");
    const corp = (await root.call("GET", "/authorities")).body.authorities.find((a: { name: string }) => a.name === "corp");
    expect(await lastEvent(t.store)).toMatchObject({ errorCode: "certificate_principal_mismatch", caId: corp.id, certKeyId: carol.keyId, certPrincipal: null });

    // A flipped byte in the CA's signature (outside what the certified key signs; see certificates.test.ts).
    const forged = certify("corp", ["-n", "alice", "-V", "+1h"]);
    const parts = { username: "alice", time: Math.floor(t.clock.now / 1000), nonce: sshsigNonce(), host };
    const blob = Buffer.from(sshKeygenSign(forged.path, sshsigMessageOf(parts)), "base64");
    blob[14 + blob.readUInt32BE(10) - 5]! ^= 0x01;
    const r = await fetch(`${t.url}/whoami`, { headers: { authorization: sshsigAuthorization(parts, blob.toString("base64")) } });
    expect(r.status).toBe(401);
    expect(await lastEvent(t.store)).toMatchObject({ errorCode: "bad_signature", caId: corp.id, certSerial: forged.serial, certKeyId: forged.keyId });
  });

  it("revokes a whole CA once (409 the second time), then removes it: its certificates are unknown, its events keep the id", async () => {
    const cert = certify("corp", ["-n", "alice", "-V", "+1h"]);
    expect((await login(cert.path)).status).toBe(200);
    const revoked = await root.call("POST", "/authorities/corp/revoke", { all: true });
    expect([revoked.status, typeof revoked.body.authority.revokedAt]).toEqual([200, "string"]);
    expect(JSON.parse((await login(cert.path)).text).error.code).toBe("certificate_revoked");
    const again = await root.call("POST", "/authorities/corp/revoke", { all: true });
    expect([again.status, again.body.error.code]).toEqual([409, "already_revoked"]);

    const removed = await root.call("DELETE", "/authorities/corp");
    expect(removed).toMatchObject({ status: 200, body: { deleted: true, name: "corp" } });
    expect(JSON.parse((await login(cert.path)).text).error.code).toBe("unknown_key");
    expect((await root.call("GET", "/authorities")).body.authorities.map((a: { name: string }) => a.name)).toEqual(["github"]);
    const success = (await eventsOf(root, "/events?user=alice&outcome=success")).body.events[0];
    expect(success.certificate).toMatchObject({ caId: expect.any(String), caName: null, keyId: cert.keyId });
  });
});

describe("a refused certificate, with the strategy's default error exposure", () => {
  let t: MemoryTestServer;
  const keys = new KeyDir();
  beforeAll(async () => {
    t = await startTestServer("memory");
    await t.store.directory.addUser("alice");
    keys.sshKeygen("ca", "ed25519");
    keys.sshKeygen("user", "ed25519");
    keys.run("ssh-keygen", ["-q", "-s", "ca", "-I", "alice-secret-key-id", "-z", "987654", "-n", "alice", "-V", "+1h", "user.pub"]);
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    keys.cleanup();
  });

  it("tells the client only that the credentials were not accepted; the log keeps the serial and key id", async () => {
    const host = new URL(t.url).host;
    const authorization = signedSshsig(keys.path("user-cert.pub"), { username: "alice", time: Math.floor(t.clock.now / 1000), host });
    const r = await fetch(`${t.url}/whoami`, { headers: { authorization } });
    const text = await r.text();
    expect([r.status, JSON.parse(text).error.code]).toEqual([401, "invalid_credentials"]);
    expect(text).not.toMatch(/alice-secret-key-id|987654/);
    expect(r.headers.get("www-authenticate") ?? "").not.toMatch(/alice-secret-key-id|987654/);
    expect(await lastEvent(t.store)).toMatchObject({ errorCode: "unknown_key", certSerial: "987654", certKeyId: "alice-secret-key-id", caId: null });
  });
});
