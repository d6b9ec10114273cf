import crypto, { type KeyObject } from "node:crypto";
import { sshKeyType } from "../keys/algorithms.js";
import type { SshKeyType } from "../keys/types.js";

/**
 * A public key of each type that no user holds, to verify a signature against when a
 * credential names no key we could try (unknown user, no key of its type). The refusal then
 * costs a signature check like a wrong key does, so its timing does not tell an unknown
 * user from a known one. Made once per process; only their cost matters, never the result.
 */
const decoys = new Map<SshKeyType, KeyObject>();

function makeDecoy(type: SshKeyType): KeyObject {
  const info = sshKeyType(type);
  if (info.family === "rsa") {
    // A random odd 2048-bit modulus verifies at an RSA-2048 key's cost without the time a
    // key-pair generation takes on the request path (verification never checks primality).
    const n = crypto.randomBytes(256);
    n[0]! |= 0x80;
    n[255]! |= 1;
    return crypto.createPublicKey({ key: { kty: "RSA", n: n.toString("base64url"), e: "AQAB" }, format: "jwk" });
  }
  // A security key verifies with its plain key, so its decoy is one of those.
  if (info.family === "ed25519") return crypto.generateKeyPairSync("ed25519").publicKey;
  return crypto.generateKeyPairSync("ec", { namedCurve: info.nodeCurve! }).publicKey;
}

export function decoyKey(type: SshKeyType): KeyObject {
  let key = decoys.get(type);
  if (!key) decoys.set(type, (key = makeDecoy(type)));
  return key;
}
