// Client-test helpers beside test/support/ssh-keygen.ts (which makes the keys and agents).
import crypto from "node:crypto";
import { readFileSync } from "node:fs";
import type { ParsedPublicKey } from "../../strategy/keys/types.js";

export const PASSPHRASE = "pass-phrase"; // ssh-keygen wants at least 5 characters

/** Verify a signature in the Signer form with node:crypto. */
export function verifySignerForm(key: ParsedPublicKey, data: Buffer, sig: Buffer, rsaHash: "sha1" | "sha256" | "sha384" | "sha512" = "sha256"): boolean {
  if (key.type === "ssh-ed25519") return crypto.verify(null, data, key.keyObject, sig);
  if (key.type === "ssh-rsa") return crypto.verify(rsaHash, data, key.keyObject, sig);
  const hash = { nistp256: "sha256", nistp384: "sha384", nistp521: "sha512" }[key.curve!];
  return crypto.verify(hash, data, { key: key.keyObject, dsaEncoding: "ieee-p1363" }, sig);
}

export function readText(p: string): string {
  return readFileSync(p, "utf8");
}

/** Split a compact JWS. */
export function splitJws(token: string): { header: string; payload: string; input: Buffer; signature: Buffer } {
  const [h, p, s] = token.split(".");
  return {
    header: Buffer.from(h!, "base64url").toString("utf8"),
    payload: Buffer.from(p!, "base64url").toString("utf8"),
    input: Buffer.from(`${h}.${p}`, "ascii"),
    signature: Buffer.from(s!, "base64url"),
  };
}
