// Builds JWTs with whatever header and claims a test wants, including ones no honest
// client would make (alg none, HS256 keyed with a public key, wrong alg for the key).
import crypto, { type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const fixtures = path.resolve(import.meta.dirname, "../fixtures");
export const vectors = JSON.parse(fs.readFileSync(path.join(fixtures, "vectors.json"), "utf8"));

export function fixtureKey(relative: string): KeyObject {
  return crypto.createPrivateKey(fs.readFileSync(path.join(fixtures, "keys", relative)));
}

export function fixtureText(relative: string): string {
  return fs.readFileSync(path.join(fixtures, "keys", relative), "utf8");
}

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

export function forgeJwt(options: { header: Record<string, unknown>; claims: Record<string, unknown>; sign: (input: Buffer) => Buffer }): string {
  const input = `${b64(options.header)}.${b64(options.claims)}`;
  return `${input}.${options.sign(Buffer.from(input)).toString("base64url")}`;
}

export const signWith = {
  rsa:
    (key: KeyObject, hash = "sha512") =>
    (input: Buffer) =>
      crypto.sign(hash, input, key),
  ed25519: (key: KeyObject) => (input: Buffer) => crypto.sign(null, input, key),
  ecdsa:
    (key: KeyObject, hash = "sha256") =>
    (input: Buffer) =>
      crypto.sign(hash, input, { key, dsaEncoding: "ieee-p1363" }),
  hmac:
    (secret: Buffer | string, hash = "sha256") =>
    (input: Buffer) =>
      crypto.createHmac(hash, secret).update(input).digest(),
  none: () => () => Buffer.alloc(0),
};
