// Hostile SSHSIG requests made from REAL signatures (ssh-keygen -Y sign, and node:crypto for
// the RSA inner signatures ssh-keygen will not make), mutated at the blob, header and message
// level. Every one goes over HTTP and must be answered with its status and JSON error code,
// never 500; every 401 carries `WWW-Authenticate: SSHSIG …` naming the reason.
import { createHash, createPrivateKey, sign as cryptoSign } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sshString, sshUint32 } from "../../../strategy/keys/wire.js";
import { createDemoApp } from "../../../strategy/server/demo-app.js";
import { startTestServer, type MemoryTestServer } from "../../support/server.js";
import { KeyDir } from "../../support/ssh-keygen.js";
import { SSHSIG_NAMESPACE as NS, sshKeygenSign, sshsigAuthorization, sshsigMessageOf, sshsigNonce, type SshsigParts } from "../../support/sshsig.js";

const T = 1_900_000_000;

interface Blob {
  magic: Buffer;
  version: number;
  publicKey: Buffer;
  namespace: Buffer;
  reserved: Buffer;
  hash: Buffer;
  signature: Buffer;
}

/** The blob's fields, read independently of the strategy's decoder. */
function fieldsOf(b64: string): Blob {
  const blob = Buffer.from(b64, "base64");
  let at = 10;
  const next = () => {
    const n = blob.readUInt32BE(at);
    const value = blob.subarray(at + 4, at + 4 + n);
    at += 4 + n;
    return value;
  };
  return { magic: blob.subarray(0, 6), version: blob.readUInt32BE(6), publicKey: next(), namespace: next(), reserved: next(), hash: next(), signature: next() };
}

const assemble = (f: Blob, trailing: Buffer = Buffer.alloc(0)) =>
  Buffer.concat([f.magic, sshUint32(f.version), ...[f.publicKey, f.namespace, f.reserved, f.hash, f.signature].map((v) => sshString(v)), trailing]);

/** The inner signature's bytes after its algorithm name. */
const innerBytes = (signature: Buffer) => {
  const nameLength = signature.readUInt32BE(0);
  return signature.subarray(8 + nameLength);
};

interface Reply {
  status: number;
  code: string | null;
  message: string;
  challenge: string | null;
}

async function send(url: string, authorization: string, init: { method?: string; path?: string } = {}): Promise<Reply> {
  const r = await fetch(`${url}${init.path ?? "/whoami"}`, { method: init.method ?? "GET", headers: { authorization } });
  const text = await r.text();
  let body: { error?: { code: string; message: string } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Node's own answers (431) have no JSON body; the status check says so.
  }
  return {
    status: r.status,
    code: body.error?.code ?? (r.status === 200 ? "accepted" : null),
    message: body.error?.message ?? "",
    challenge: r.headers.get("www-authenticate"),
  };
}

/** A 401 names its reason twice: the JSON code and message, and the SSHSIG challenge with the same message (in ASCII: "±" as "+/-"). */
function expectNamed(r: Reply, status: number, code: string): void {
  expect({ status: r.status, code: r.code }).toEqual({ status, code });
  if (status === 401) {
    expect(r.challenge).toBe(
      `SSHSIG realm="passport-sshkey", namespace="${NS}", error="invalid_token", error_description="${r.message.replaceAll("±", "+/-").replace(/["\\]/g, "")}"`,
    );
    expect(r.message.length).toBeGreaterThan(10);
  }
}

describe("hostile SSHSIG requests from real signatures", () => {
  let t: MemoryTestServer;
  let host: string;
  const keys = new KeyDir();
  const now = () => Math.floor(t.clock.now / 1000);

  beforeAll(async () => {
    t = await startTestServer("memory", { exposeErrorCodes: true, failureThrottle: false, startAt: T * 1000 });
    host = new URL(t.url).host;
    const d = t.store.directory;
    for (const name of ["alice", "bob", "rita", "eve", "dora"]) await d.addUser(name);
    await d.addKey("alice", keys.sshKeygen("ed", "ed25519"));
    await d.addKey("alice", keys.sshKeygen("rsa", "rsa", ["-b", "2048", "-m", "PEM"]));
    await d.addKey("alice", keys.sshKeygen("ec", "ecdsa", ["-b", "256"]));
    await d.addKey("bob", keys.sshKeygen("bob", "ed25519"));
    await d.addKey("rita", keys.sshKeygen("rita", "ed25519"));
    await d.revokeKey((await d.listKeys("rita"))[0]!.fingerprintSha256, "hostile test");
    await d.addKey("eve", keys.sshKeygen("eve", "ed25519"), { expiresAt: new Date((T - 10) * 1000) });
    await d.addKey("dora", keys.sshKeygen("dora", "ed25519"));
    await d.setUserFlags("dora", { disabled: true });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    keys.cleanup();
  });

  /** A real signature by `key` over the request `parts` (header params default to the signed ones). */
  const real = (key: string, parts: Partial<SshsigParts> = {}, message?: (m: string) => string | Buffer, namespace = NS) => {
    const signed = { username: "alice", time: now(), host, ...parts, nonce: parts.nonce ?? sshsigNonce() };
    const text = sshsigMessageOf(signed);
    return { params: signed, signature: sshKeygenSign(keys.path(key), message ? message(text) : text, namespace), message: text };
  };
  const header = (params: { username: string; time: number | string; nonce: string }, blob: Buffer | string) =>
    sshsigAuthorization(params, typeof blob === "string" ? blob : blob.toString("base64"));

  /** An RSA inner signature made by node:crypto over the SSHSIG signed data, as `algorithm` names it. */
  const rsaSigned = (algorithm: "ssh-rsa" | "rsa-sha2-256", digest: "sha1" | "sha256") => {
    const base = real("rsa");
    const f = fieldsOf(base.signature);
    const data = Buffer.concat([
      Buffer.from("SSHSIG"),
      sshString(NS),
      sshString(""),
      sshString("sha512"),
      sshString(createHash("sha512").update(base.message).digest()),
    ]);
    const bytes = cryptoSign(digest, data, createPrivateKey(keys.read("rsa")));
    return header(base.params, assemble({ ...f, signature: Buffer.concat([sshString(algorithm), sshString(bytes)]) }));
  };

  type Case = [name: string, make: () => string | Promise<string>, status: number, code: string];
  const blobCases = (): Case[] => {
    const base = real("ed");
    const f = fieldsOf(base.signature);
    const blob = assemble(f);
    const at = { publicKey: 10, namespace: 14 + f.publicKey.length };
    const hashAt = at.namespace + 4 + f.namespace.length + 4 + f.reserved.length;
    const signatureAt = hashAt + 4 + f.hash.length;
    const withBlob = (b: Buffer) => () => header(base.params, b);
    const withFields = (changes: Partial<Blob>, trailing?: Buffer) => withBlob(assemble({ ...f, ...changes }, trailing));
    const other = (key: string) => fieldsOf(real(key).signature);
    const flipped = Buffer.from(f.signature);
    flipped[flipped.length - 1]! ^= 1;
    return [
      ["truncated inside the magic", withBlob(blob.subarray(0, 4)), 400, "malformed_token"],
      ["truncated inside the version", withBlob(blob.subarray(0, 8)), 400, "malformed_token"],
      ["truncated inside the public key", withBlob(blob.subarray(0, at.publicKey + 20)), 400, "malformed_token"],
      ["truncated inside the namespace", withBlob(blob.subarray(0, at.namespace + 6)), 400, "malformed_token"],
      ["truncated inside the hash name", withBlob(blob.subarray(0, hashAt + 5)), 400, "malformed_token"],
      ["truncated inside the signature", withBlob(blob.subarray(0, signatureAt + 30)), 400, "malformed_token"],
      ["truncated by one byte", withBlob(blob.subarray(0, blob.length - 1)), 400, "malformed_token"],
      ["wrong magic", withFields({ magic: Buffer.from("SSHSIH") }), 400, "malformed_token"],
      ["version 0", withFields({ version: 0 }), 401, "unsupported_version"],
      ["version 2", withFields({ version: 2 }), 401, "unsupported_version"],
      ["empty namespace", withFields({ namespace: Buffer.alloc(0) }), 400, "malformed_token"],
      ["another namespace in the blob", withFields({ namespace: Buffer.from("git") }), 401, "namespace_mismatch"],
      ["a real signature in namespace git", () => ((r) => header(r.params, r.signature))(real("ed", {}, undefined, "git")), 401, "namespace_mismatch"],
      ["a 300-byte namespace", withFields({ namespace: Buffer.alloc(300, "n") }), 400, "malformed_token"],
      ["hash md5", withFields({ hash: Buffer.from("md5") }), 401, "unsupported_hash"],
      ["hash sha1", withFields({ hash: Buffer.from("sha1") }), 401, "unsupported_hash"],
      ["hash SHA256 (upper case)", withFields({ hash: Buffer.from("SHA256") }), 401, "unsupported_hash"],
      ["empty hash name", withFields({ hash: Buffer.alloc(0) }), 400, "malformed_token"],
      ["hash sha256 where sha512 was signed", withFields({ hash: Buffer.from("sha256") }), 401, "bad_signature"],
      [
        "signature type ≠ key type (ECDSA name on an Ed25519 key)",
        withFields({ signature: Buffer.concat([sshString("ecdsa-sha2-nistp256"), sshString(innerBytes(f.signature))]) }),
        400,
        "malformed_token",
      ],
      ["an ECDSA signature with an Ed25519 key", withFields({ signature: other("ec").signature }), 400, "malformed_token"],
      ["an Ed25519 signature with the user's RSA key", withFields({ publicKey: other("rsa").publicKey }), 400, "malformed_token"],
      ["another user's key in the blob", withFields({ publicKey: other("bob").publicKey }), 401, "unknown_key"],
      [
        "a 63-byte Ed25519 signature",
        withFields({ signature: Buffer.concat([sshString("ssh-ed25519"), sshString(innerBytes(f.signature).subarray(1))]) }),
        400,
        "malformed_token",
      ],
      ["one bit flipped in the signature", withFields({ signature: flipped }), 401, "bad_signature"],
      ["a 9 KB public key", withFields({ publicKey: Buffer.concat([sshString("ssh-ed25519"), Buffer.alloc(9000)]) }), 400, "malformed_token"],
      ["trailing bytes after the signature", withFields({}, Buffer.from([0])), 400, "malformed_token"],
      ["a truncated certificate", withFields({ publicKey: sshString("ssh-ed25519-cert-v01@openssh.com") }), 400, "malformed_token"],
      ["ssh-rsa (SHA-1) inner signature, made for real", () => rsaSigned("ssh-rsa", "sha1"), 401, "alg_not_allowed"],
      ["rsa-sha2-256 inner signature made the same way (control)", () => rsaSigned("rsa-sha2-256", "sha256"), 200, "accepted"],
      [
        "a non-empty reserved field is ignored (PROTOCOL.sshsig)",
        () => {
          const r = real("ed");
          return header(r.params, assemble({ ...fieldsOf(r.signature), reserved: Buffer.from("future") }));
        },
        200,
        "accepted",
      ],
      ["the armor left in", () => header(base.params, `-----BEGIN SSH SIGNATURE-----${base.signature}-----END SSH SIGNATURE-----`), 400, "malformed_token"],
      ["unpadded base64", () => header(base.params, base.signature.replace(/=+$/, "")), 400, "malformed_token"],
    ];
  };

  const messageCases = (): Case[] => {
    const signedWith =
      (parts: Partial<SshsigParts>, sent: Partial<{ username: string; time: number | string; nonce: string }>, message?: (m: string) => string) => () => {
        const r = real("ed", parts, message);
        return header({ ...r.params, ...sent }, r.signature);
      };
    return [
      ["CRLF line ends in the signed message", signedWith({}, {}, (m) => m.replace(/\n/g, "\r\n")), 401, "bad_signature"],
      ['PowerShell\'s trailing CRLF (`"$msg" | ssh-keygen …`)', signedWith({}, {}, (m) => `${m}\r\n`), 401, "bad_signature"],
      ["a trailing LF (echo instead of printf %s)", signedWith({}, {}, (m) => `${m}\n`), 401, "bad_signature"],
      ["a signed username other than the header's", signedWith({ username: "bob" }, { username: "alice" }), 401, "bad_signature"],
      ["alice's key, username bob", signedWith({ username: "bob" }, {}), 401, "unknown_key"],
      ["alice's key, username Alice", signedWith({ username: "Alice" }, {}), 401, "unknown_key"],
      ["alice's key, an unknown username", signedWith({ username: "mallory" }, {}), 401, "unknown_key"],
      ["a 257-character username", signedWith({}, { username: "a".repeat(257) }), 400, "malformed_token"],
      ["time 61 s in the past", signedWith({ time: T - 61 }, {}), 401, "clock_skew"],
      ["time 61 s in the future", signedWith({ time: T + 61 }, {}), 401, "clock_skew"],
      ["time exactly 60 s old (inclusive)", signedWith({ time: T - 60 }, {}), 200, "accepted"],
      ["time 0", signedWith({ time: 0 }, {}), 401, "clock_skew"],
      ["a header time one second off the signed one", signedWith({}, { time: T + 1 }), 401, "bad_signature"],
      ["time in exponent form", signedWith({}, { time: "1.9e9" }), 400, "malformed_token"],
      ["time with a plus sign", signedWith({}, { time: `+${T}` }), 400, "malformed_token"],
      ["time of 12 digits", signedWith({}, { time: "190000000000" }), 400, "malformed_token"],
      ["a 15-character nonce", signedWith({}, { nonce: "a".repeat(15) }), 400, "malformed_token"],
      ["a 65-character nonce", signedWith({}, { nonce: "a".repeat(65) }), 400, "malformed_token"],
      ["a nonce with base64 padding", signedWith({}, { nonce: "abcdefghijklmno=" }), 400, "malformed_token"],
      ["a header nonce other than the signed one", signedWith({}, { nonce: sshsigNonce() }), 401, "bad_signature"],
      ["a 64-character nonce (the longest)", signedWith({ nonce: "n".repeat(64) }, {}), 200, "accepted"],
      ["signed for POST, sent as GET", signedWith({ method: "POST" }, {}), 401, "bad_signature"],
      ["signed without the port", signedWith({ host: "127.0.0.1" }, {}), 401, "bad_signature"],
      ["signed with a query the request lacks", signedWith({ target: "/whoami?admin=1" }, {}), 401, "bad_signature"],
      ["signed for a body the request lacks", signedWith({ body: "x" }, {}), 401, "bad_signature"],
    ];
  };

  const headerCases = (): Case[] => {
    const fromReal = (build: (r: ReturnType<typeof real>, sent: string) => string) => () => {
      const r = real("ed");
      return build(r, header(r.params, r.signature));
    };
    return [
      ["a duplicate username", fromReal((_r, sent) => `${sent}, username="bob"`), 400, "malformed_token"],
      ["a duplicate signature", fromReal((r, sent) => `${sent}, signature="${r.signature}"`), 400, "malformed_token"],
      ["an unknown parameter", fromReal((_r, sent) => `${sent}, keyid="x"`), 400, "malformed_token"],
      [
        "a bare token signature (its padding is not a token)",
        fromReal((r) => `SSHSIG username=alice, time=${r.params.time}, nonce=${r.params.nonce}, signature=${r.signature}`),
        400,
        "malformed_token",
      ],
      ["the scheme word alone", () => "SSHSIG", 400, "malformed_header"],
      ["a lower-case scheme word works", fromReal((_r, sent) => sent.replace("SSHSIG", "sshsig")), 200, "accepted"],
      [
        "unquoted token values work too",
        fromReal((r) => `SSHSIG username=alice,time=${r.params.time},nonce=${r.params.nonce},signature="${r.signature}"`),
        200,
        "accepted",
      ],
    ];
  };

  // Built lazily: the signatures are made once the keys exist and the server's host is known.
  const all: Array<[string, () => Case[]]> = [
    ["blob", blobCases],
    ["message", messageCases],
    ["header", headerCases],
  ];
  let sent = 0;
  for (const [level, cases] of all) {
    it(`answers every ${level}-level case with its status and code, never 500`, async () => {
      const seen: Array<[string, number, string | null]> = [];
      const expected: Array<[string, number, string]> = [];
      for (const [name, make, status, code] of cases()) {
        const r = await send(t.url, await make());
        seen.push([name, r.status, r.code]);
        expected.push([name, status, code]);
        if (r.status === status && r.code === code) expectNamed(r, status, code);
      }
      expect(seen).toEqual(expected);
      sent += seen.length;
    }, 60_000);
  }
  it("sent at least 60 cases", () => expect(sent).toBeGreaterThanOrEqual(60));

  it("names each refusal after the signature verified: revoked, expired, disabled, skew, replay", async () => {
    const as = (key: string, username: string, parts: Partial<SshsigParts> = {}) => {
      const r = real(key, { username, ...parts });
      return header(r.params, r.signature);
    };
    expectNamed(await send(t.url, as("rita", "rita")), 401, "key_revoked");
    expectNamed(await send(t.url, as("eve", "eve")), 401, "key_expired");
    expectNamed(await send(t.url, as("dora", "dora")), 401, "user_disabled");
    const skew = await send(t.url, as("ed", "alice", { time: T - 3600 }));
    expectNamed(skew, 401, "clock_skew");
    expect(skew.message).toBe(`SSHSIG time is 3600 s behind the server (server time ${new Date(T * 1000).toISOString().replace(".000Z", "Z")}, allowed ±60 s)`);
    const once = as("ec", "alice");
    expectNamed(await send(t.url, once), 200, "accepted");
    expectNamed(await send(t.url, once), 401, "replayed");
  });

  it("answers a header over 16 KiB (a 100 KB public key) with 413 credentials_too_large where Node lets it through", async () => {
    const server = http.createServer({ maxHeaderSize: 256 * 1024 }, createDemoApp({ strategy: t.strategy, log: () => {}, admin: false }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const r = real("ed");
      const big = assemble({ ...fieldsOf(r.signature), publicKey: Buffer.concat([sshString("ssh-ed25519"), Buffer.alloc(100_000)]) });
      const reply = await send(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, header(r.params, big));
      expectNamed(reply, 413, "credentials_too_large");
      // With Node's default 16 KiB header limit the same request never reaches the app.
      expect((await send(t.url, header(r.params, big))).status).toBe(431);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("what strangers learn from SSHSIG refusals (default, exposeErrorCodes off)", () => {
  let t: MemoryTestServer;
  let host: string;
  const keys = new KeyDir();
  beforeAll(async () => {
    t = await startTestServer("memory", { startAt: T * 1000 });
    host = new URL(t.url).host;
    await t.store.directory.addUser("alice");
    await t.store.directory.addKey("alice", keys.sshKeygen("ed", "ed25519"));
    keys.sshKeygen("stranger", "ed25519");
  }, 30_000);
  afterAll(async () => {
    await t.close();
    keys.cleanup();
  });

  const signed = (key: string, parts: Partial<SshsigParts> = {}) => {
    const p = { username: "alice", time: T, host, ...parts, nonce: sshsigNonce() };
    return sshsigAuthorization(p, sshKeygenSign(keys.path(key), sshsigMessageOf(p)));
  };

  it("answers an unknown user, an unregistered key and a bad signature alike: invalid_credentials", async () => {
    const replies = [
      await send(t.url, signed("ed", { username: "nobody" })),
      await send(t.url, signed("stranger")),
      await send(t.url, signed("ed", { target: "/elsewhere" })),
    ];
    for (const r of replies) {
      expectNamed(r, 401, "invalid_credentials");
      expect(r.message).toBe("the credentials were not accepted");
    }
  });

  it("keeps the precise code once the signature verified (the caller holds the key)", async () => {
    expectNamed(await send(t.url, signed("ed", { time: T - 120 })), 401, "clock_skew");
  });

  it("throttles failed signatures per username: 429 too_many_failures with Retry-After, before any signature work", async () => {
    const throttled = await startTestServer("memory", { startAt: T * 1000, failureThrottle: { maxFailures: 2, windowMs: 60_000 } });
    try {
      await throttled.store.directory.addUser("alice");
      await throttled.store.directory.addKey("alice", keys.read("ed.pub"));
      const wrongPath = () => {
        const p = { username: "alice", time: T, host: new URL(throttled.url).host, nonce: sshsigNonce(), target: "/elsewhere" };
        return sshsigAuthorization(p, sshKeygenSign(keys.path("ed"), sshsigMessageOf(p)));
      };
      for (let i = 0; i < 2; i++) expectNamed(await send(throttled.url, wrongPath()), 401, "invalid_credentials");
      const r = await fetch(`${throttled.url}/whoami`, { headers: { authorization: wrongPath() } });
      expect([r.status, ((await r.json()) as { error: { code: string } }).error.code]).toEqual([429, "too_many_failures"]);
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await throttled.close();
    }
  });
});
