// Unit tests of the SSHSIG header parser, blob decoder and message builder, and a hostile table over HTTP.
import { generateKeyPairSync, sign as cryptoSign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAuthError } from "../../../strategy/errors.js";
import { parseAuthorization } from "../../../strategy/http/authorization.js";
import { publicKeyFromKeyObject } from "../../../strategy/keys/parse.js";
import { sshString, sshUint32 } from "../../../strategy/keys/wire.js";
import { decodeSshsigBlob, sshsigSignedData } from "../../../strategy/schemes/sshsig/blob.js";
import { parseSshsigHeader } from "../../../strategy/schemes/sshsig/header.js";
import { sshsigMessage } from "../../../strategy/schemes/sshsig/message.js";
import { startTestServer, type MemoryTestServer } from "../../support/server.js";

const NS = "http@passport-sshkey";
const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const pub = publicKeyFromKeyObject(publicKey);

interface BlobParts {
  magic?: Buffer;
  version?: number;
  key?: Buffer;
  namespace?: string;
  hash?: string;
  sigType?: string;
  sigData?: Buffer;
  trailing?: Buffer;
}

function blob(p: BlobParts = {}): Buffer {
  return Buffer.concat([
    p.magic ?? Buffer.from("SSHSIG"),
    sshUint32(p.version ?? 1),
    sshString(p.key ?? pub.blob),
    sshString(p.namespace ?? NS),
    sshString(""),
    sshString(p.hash ?? "sha512"),
    sshString(Buffer.concat([sshString(p.sigType ?? "ssh-ed25519"), sshString(p.sigData ?? Buffer.alloc(64))])),
    p.trailing ?? Buffer.alloc(0),
  ]);
}

const header = (fields: Record<string, string>) =>
  "SSHSIG " +
  Object.entries(fields)
    .map(([k, v]) => `${k}="${v}"`)
    .join(", ");
const good = { username: "alice", time: "1764570000", nonce: "q3vL0a2b9xYz8wPq", signature: blob().toString("base64") };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isAuthError(error)) return error.code;
    throw error;
  }
  return "accepted";
}

describe("parseSshsigHeader", () => {
  it("reads the four params in any order, quoted or token, with OWS", () => {
    const p = parseSshsigHeader(`nonce=q3vL0a2b9xYz8wPq ,time="1764570000",  username = "al\\"ice", signature="${good.signature}"`);
    expect(p).toEqual({ username: 'al"ice', time: 1764570000, nonce: "q3vL0a2b9xYz8wPq", signature: good.signature });
  });
  it.each([
    ["missing nonce", `username="a", time="1", signature="AAAA"`],
    ["duplicate", `username="a", username="b", time="1", nonce="q3vL0a2b9xYz8wPq", signature="AAAA"`],
    ["unknown", `username="a", time="1", nonce="q3vL0a2b9xYz8wPq", signature="AAAA", realm="x"`],
    ["leading zero", `username="a", time="01", nonce="q3vL0a2b9xYz8wPq", signature="AAAA"`],
    ["short nonce", `username="a", time="1", nonce="short", signature="AAAA"`],
    ["unterminated", `username="a`],
    ["CR in value", `username="a\rb", time="1", nonce="q3vL0a2b9xYz8wPq", signature="AAAA"`],
  ])("refuses %s", (_name, text) => {
    expect(refusal(() => parseSshsigHeader(text))).toBe("malformed_token");
  });
});

describe("decodeSshsigBlob", () => {
  it("decodes a well-formed blob", () => {
    const b = decodeSshsigBlob(blob());
    expect(b).toMatchObject({ keyType: "ssh-ed25519", namespace: NS, hashAlgorithm: "sha512", signatureType: "ssh-ed25519" });
    expect(b.publicKey.equals(pub.blob)).toBe(true);
  });
  it("refuses truncations at every length", () => {
    const full = blob();
    for (let n = 0; n < full.length; n++) expect(refusal(() => decodeSshsigBlob(full.subarray(0, n)))).toMatch(/malformed_token|unsupported_version/);
  });
  it("refuses another version and trailing bytes", () => {
    expect(refusal(() => decodeSshsigBlob(blob({ version: 2 })))).toBe("unsupported_version");
    expect(refusal(() => decodeSshsigBlob(blob({ trailing: Buffer.from([0]) })))).toBe("malformed_token");
  });
});

describe("sshsigMessage", () => {
  it("is the spec's eight lines with no trailing newline, empty body digest as the spec says", () => {
    const m = sshsigMessage({ username: "alice", time: 1764570000, nonce: "n", method: "get", host: "Example.COM:3000", target: "/whoami?x=1", body: "" });
    expect(m).toBe("SSHSIG-HTTP-1\nalice\n1764570000\nn\nGET\nexample.com:3000\n/whoami?x=1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  });
});

describe("hostile SSHSIG headers over HTTP: 400/401/413, never 500", () => {
  let t: MemoryTestServer;
  beforeAll(async () => {
    t = await startTestServer("memory", { exposeErrorCodes: true });
    await t.store.directory.addUser("alice");
    await t.store.directory.addKey("alice", pub.openssh);
  });
  afterAll(() => t.close());

  const b64 = (b: Buffer) => b.toString("base64");
  const rsa = publicKeyFromKeyObject(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey);
  const full = blob();
  const cases: [string, string, number][] = [
    ["wrong magic", header({ ...good, signature: b64(blob({ magic: Buffer.from("SSHSIX") })) }), 400],
    ["version 0", header({ ...good, signature: b64(blob({ version: 0 })) }), 401],
    ["version 2", header({ ...good, signature: b64(blob({ version: 2 })) }), 401],
    ["empty namespace", header({ ...good, signature: b64(blob({ namespace: "" })) }), 400],
    ["other namespace", header({ ...good, signature: b64(blob({ namespace: "file" })) }), 401],
    ["hash md5", header({ ...good, signature: b64(blob({ hash: "md5" })) }), 401],
    ["hash sha1", header({ ...good, signature: b64(blob({ hash: "sha1" })) }), 401],
    ["ssh-rsa SHA-1 signature", header({ ...good, signature: b64(blob({ key: rsa.blob, sigType: "ssh-rsa", sigData: Buffer.alloc(256) })) }), 401],
    ["RSA key with an ed25519 signature", header({ ...good, signature: b64(blob({ key: rsa.blob })) }), 400],
    ["ed25519 signature of 63 bytes", header({ ...good, signature: b64(blob({ sigData: Buffer.alloc(63) })) }), 400],
    ["truncated certificate key", header({ ...good, signature: b64(blob({ key: sshString("ssh-ed25519-cert-v01@openssh.com") })) }), 400],
    ["sk key signed as a plain ssh-ed25519 signature", header({ ...good, signature: b64(blob({ key: sshString("sk-ssh-ed25519@openssh.com") })) }), 400],
    ["oversized key field", header({ ...good, signature: b64(blob({ key: Buffer.concat([sshString("ssh-ed25519"), Buffer.alloc(9000)]) })) }), 400],
    ["trailing bytes", header({ ...good, signature: b64(blob({ trailing: Buffer.from("x") })) }), 400],
    ["truncated by 1", header({ ...good, signature: b64(full.subarray(0, full.length - 1)) }), 400],
    ["truncated to the magic", header({ ...good, signature: b64(full.subarray(0, 6)) }), 400],
    ["truncated to 3 bytes", header({ ...good, signature: b64(full.subarray(0, 3)) }), 400],
    ["empty blob", 'SSHSIG username="alice", time="1", nonce="q3vL0a2b9xYz8wPq", signature=""', 400],
    ["not base64", header({ ...good, signature: "!!!!" }), 400],
    ["unpadded base64", header({ ...good, signature: "QUJD" + "QQ" }), 400],
    ["duplicate param", header(good) + ', nonce="q3vL0a2b9xYz8wPq"', 400],
    ["unknown param", header(good) + ', realm="x"', 400],
    ["missing username", header({ time: good.time, nonce: good.nonce, signature: good.signature }), 400],
    ["missing time", header({ username: "alice", nonce: good.nonce, signature: good.signature }), 400],
    ["missing nonce", header({ username: "alice", time: good.time, signature: good.signature }), 400],
    ["missing signature", header({ username: "alice", time: good.time, nonce: good.nonce }), 400],
    ["empty username", header({ ...good, username: "" }), 400],
    ["negative time", header({ ...good, time: "-1" }), 400],
    ["time with leading zero", header({ ...good, time: "01764570000" }), 400],
    ["nonce with a dot", header({ ...good, nonce: "q3vL0a2b9xYz8wP." }), 400],
    ["nonce too long", header({ ...good, nonce: "a".repeat(65) }), 400],
    ["no params", "SSHSIG ,", 400],
    ["garbage after", header(good) + " junk", 400],
    ["missing =", 'SSHSIG username "alice"', 400],
    ["zero signature (well-formed, wrong)", header({ ...good, time: String(Math.floor(Date.now() / 1000)) }), 401],
  ];
  it(`has at least 30 cases (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(30));
  it.each(cases)("%s", async (_name, authorization, status) => {
    const r = await fetch(`${t.url}/whoami`, { headers: { authorization } });
    expect(r.status).toBe(status);
    await r.text();
  });
  it("refuses a header over 16 KiB with 413 (or Node's own 431 when the header block is over its limit)", async () => {
    const r = await fetch(`${t.url}/whoami`, { headers: { authorization: header({ ...good, username: "a".repeat(17000) }) } });
    expect([413, 431]).toContain(r.status);
    await r.text();
    expect(parseAuthorization(header({ ...good, username: "a".repeat(17000) })).kind).toBe("too_large");
  });
  it("refuses CR/LF in a value (fetch refuses to send one; the parser refuses it too)", () => {
    expect(refusal(() => parseSshsigHeader(`username="a\nb", time="1", nonce="q3vL0a2b9xYz8wPq", signature="AAAA"`))).toBe("malformed_token");
  });
  it("a signature the decoder accepts is still verified by the key (not accepted)", () => {
    const data = sshsigSignedData(NS, "sha512", "x");
    expect(cryptoSign(null, data, privateKey).length).toBe(64);
  });
});
