// Keys a client holds (an agent's, a key file's), described without the text parsers: the CLI's
// signing commands load this and not every public-key format (issue 19, lean processes).
import { KeyObject, createPublicKey } from "node:crypto";
import { assemble } from "./assemble.js";
import { KeyFormatError } from "./errors.js";
import { materialFromBlob, materialFromKeyObject } from "./material.js";
import { keyLimits, keyTypeRules, type KeyPolicyOptions } from "./policy.js";
import type { ParsedPublicKey } from "./types.js";

export function requireString(value: unknown, name: string): asserts value is string {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string`);
}

/**
 * Keys a caller holds (an agent's, a key file's) are described up to OpenSSH's own RSA
 * ceiling: which sizes to accept is the server's policy, applied where keys are stored.
 */
const holderPolicy: KeyPolicyOptions = { rsaMaxBits: keyTypeRules.get("ssh-rsa")?.maxBits ?? undefined };

/**
 * Parses an RFC 4253 wire blob, e.g. one listed by ssh-agent.
 *
 * @throws {KeyFormatError} for a malformed or refused key.
 * @example
 * const key = parsePublicKeyBlob(agentKey.blob, agentKey.comment);
 */
export function parsePublicKeyBlob(blob: Uint8Array, comment = ""): ParsedPublicKey {
  if (!(blob instanceof Uint8Array)) throw new TypeError("blob must be a Buffer or Uint8Array");
  requireString(comment, "comment");
  if (blob.length === 0) throw new KeyFormatError("empty", "No key was given.", { format: "ssh_blob" });
  if (blob.length > keyLimits.maxKeyBytes) {
    throw new KeyFormatError("too_large", `The key is larger than ${keyLimits.maxKeyBytes / 1024} KiB.`, { format: "ssh_blob" });
  }
  try {
    return assemble(materialFromBlob(Buffer.from(blob), holderPolicy), comment);
  } catch (error) {
    if (error instanceof KeyFormatError && error.format === undefined) throw error.withFormat("ssh_blob");
    throw error;
  }
}

/**
 * Describes a node:crypto key in SSH terms. A private key is reduced to its public half,
 * so client code can derive the ParsedPublicKey for a key it signs with.
 *
 * RSA keys are accepted up to 16384 bits here (the server's policy applies where keys are stored).
 *
 * @throws {KeyFormatError} when policy refuses the key (DSA, short RSA, other curves, weak keys).
 * @example
 * const pub = publicKeyFromKeyObject(crypto.createPrivateKey(pem), "laptop");
 */
export function publicKeyFromKeyObject(key: KeyObject, comment = ""): ParsedPublicKey {
  if (!(key instanceof KeyObject)) throw new TypeError("key must be a node:crypto KeyObject");
  if (key.type === "secret") throw new TypeError("key must be an asymmetric key, not a secret key");
  requireString(comment, "comment");
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  try {
    return assemble(materialFromKeyObject(publicKey, holderPolicy), comment);
  } catch (error) {
    if (error instanceof KeyFormatError && error.format === undefined) throw error.withFormat("key_object");
    throw error;
  }
}
