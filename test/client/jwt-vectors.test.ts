import crypto from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createJwtAuthorization, createJwtToken, loadKeyFileSigner, type Signer } from "../../strategy/client/index.js";
import { pythonJsonDumps } from "../../strategy/client/python-json.js";
import { splitJws } from "./helpers.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, "..", "fixtures");

interface AjwtVector {
  id: string;
  username: string;
  time: number;
  nonce: string;
  private_key: string;
  authorization_header: string;
  kid: string;
}
const vectors: AjwtVector[] = JSON.parse(readFileSync(path.join(fixtures, "vectors.json"), "utf8")).ajwt;

describe("createJwtAuthorization reproduces the upstream Python client", () => {
  it("has vectors", () => expect(vectors.length).toBeGreaterThanOrEqual(3));

  for (const v of vectors) {
    it(v.id, async () => {
      const signer = await loadKeyFileSigner(path.join(fixtures, v.private_key));
      expect(signer.publicKey.kid).toBe(v.kid);
      const header = await createJwtAuthorization({
        signer,
        username: v.username,
        now: () => v.time * 1000 + 999, // sub-second part is floored away
        nonce: v.nonce,
      });
      expect(header).toBe(v.authorization_header);
    });
  }

  it("the Ed25519 OpenSSH-format copy of the vector key gives the same token", async () => {
    const v = vectors.find((x) => x.id === "ajwt-ed25519-eddsa")!;
    const signer = await loadKeyFileSigner(path.join(fixtures, "keys/ajwt/ed25519_openssh"));
    const header = await createJwtAuthorization({ signer, username: v.username, now: () => v.time * 1000, nonce: v.nonce });
    expect(header).toBe(v.authorization_header);
  });
});

describe("createJwtToken options", () => {
  const rsaPath = path.join(fixtures, "keys/ajwt/rsa2048.pem");
  const edPath = path.join(fixtures, "keys/ajwt/ed25519.pem");

  it("default nonce is 11 base64url characters and time is whole seconds", async () => {
    const signer = await loadKeyFileSigner(edPath);
    const token = await createJwtToken({ signer, username: "bob", now: () => 1_700_000_123_456 });
    const claims = JSON.parse(splitJws(token).payload);
    expect(Object.keys(claims)).toEqual(["username", "time", "nonce"]);
    expect(claims.time).toBe(1_700_000_123);
    expect(claims.nonce).toMatch(/^[A-Za-z0-9_-]{11}$/);
    const other = JSON.parse(splitJws(await createJwtToken({ signer, username: "bob" })).payload);
    expect(other.nonce).not.toBe(claims.nonce);
    expect(Math.abs(other.time - Date.now() / 1000)).toBeLessThan(5);
  });

  it.each([
    ["RS256", "sha256"],
    ["RS384", "sha384"],
    ["RS512", "sha512"],
  ] as const)("RSA with %s verifies", async (algorithm, hash) => {
    const signer = await loadKeyFileSigner(rsaPath);
    const token = await createJwtToken({ signer, username: "alice", algorithm, nonce: "n", now: () => 1e12 });
    const { header, input, signature } = splitJws(token);
    expect(header).toBe(`{"alg":"${algorithm}","kid":"${signer.publicKey.kid}","typ":"JWT"}`);
    expect(crypto.verify(hash, input, signer.publicKey.keyObject, signature)).toBe(true);
  });

  it("refuses an algorithm that does not fit the key", async () => {
    const signer = await loadKeyFileSigner(edPath);
    await expect(createJwtToken({ signer, username: "a", algorithm: "RS512" })).rejects.toBeInstanceOf(TypeError);
  });

  it("refuses RS384 for a signer that cannot hash with SHA-384", async () => {
    const inner = await loadKeyFileSigner(rsaPath);
    const plain: Signer = { publicKey: inner.publicKey, sign: (d, o) => inner.sign(d, o), close: () => {} };
    await expect(createJwtToken({ signer: plain, username: "a", algorithm: "RS384" })).rejects.toBeInstanceOf(TypeError);
    // …but a plain Signer is fine for RS512.
    const token = await createJwtToken({ signer: plain, username: "a", nonce: "n", now: () => 0 });
    expect(token).toBe(await createJwtToken({ signer: inner, username: "a", nonce: "n", now: () => 0 }));
  });

  it("escapes usernames like Python json.dumps (ensure_ascii)", async () => {
    const signer = await loadKeyFileSigner(edPath);
    const token = await createJwtToken({ signer, username: 'zoë "€" \u{1F600}\u007f/', nonce: "n", now: () => 0 });
    expect(splitJws(token).payload).toBe('{"username":"zo\\u00eb \\"\\u20ac\\" \\ud83d\\ude00\\u007f/","time":0,"nonce":"n"}');
  });
});

describe("pythonJsonDumps", () => {
  it("matches json.dumps(..., separators=(',', ':')) output", () => {
    // python3 -c 'import json; print(json.dumps("a\"\\/\n\r\t\b\f\x00\x1f\x7f\x80é€😀\ud800", separators=(",",":")))'
    const s = 'a"\\/\n\r\t\b\f\u0000\u001f\u007f\u0080é€😀\ud800';
    expect(pythonJsonDumps(s)).toBe(String.raw`"a\"\\/\n\r\t\b\f\u0000\u001f\u007f\u0080\u00e9\u20ac\ud83d\ude00\ud800"`);
    expect(pythonJsonDumps({ a: 1, b: [true, null, "x"] })).toBe('{"a":1,"b":[true,null,"x"]}');
  });

  it("refuses non-integers (Python prints floats differently)", () => {
    expect(() => pythonJsonDumps(1.5)).toThrow(TypeError);
  });
});
