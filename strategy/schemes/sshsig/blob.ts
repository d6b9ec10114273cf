import { createHash } from "node:crypto";
import { AuthError } from "../../errors.js";
import { SshReader, sshString, sshUint32, type SshWireFault } from "../../keys/wire.js";

const MAGIC = Buffer.from("SSHSIG", "latin1");
const VERSION = 1;
const MAX_FIELD_BYTES = 8 * 1024;

export type SshsigHash = "sha256" | "sha512";

/** A decoded SSHSIG blob (OpenSSH PROTOCOL.sshsig); nothing in it is verified. */
export interface SshsigBlob {
  /** The SSH wire blob of the signing key. */
  readonly publicKey: Buffer;
  /** The key type named at the start of `publicKey`. */
  readonly keyType: string;
  readonly namespace: string;
  readonly hashAlgorithm: string;
  /** The signature's own algorithm name ("ssh-ed25519", "rsa-sha2-512", …). */
  readonly signatureType: string;
  /** The signature bytes after the algorithm name. */
  readonly signatureData: Buffer;
  /** What follows them: nothing, or a security key's `byte flags, uint32 counter` (PROTOCOL.u2f). */
  readonly signatureTrailer: Buffer;
}

function malformed(fault: SshWireFault | string): AuthError {
  return new AuthError("malformed_token", `invalid SSHSIG blob: ${fault}`, { detail: { reason: fault } });
}

/** Decodes the blob; every fault is an AuthError (`malformed_token`, `unsupported_version`). */
export function decodeSshsigBlob(bytes: Buffer): SshsigBlob {
  const reader = new SshReader(bytes, malformed);
  if (!reader.raw(Math.min(MAGIC.length, reader.remaining)).equals(MAGIC)) throw malformed("bad magic");
  const version = reader.uint32();
  if (version !== VERSION) throw new AuthError("unsupported_version", `SSHSIG version ${version} is not supported (only ${VERSION})`);
  const publicKey = reader.string();
  const namespace = reader.string();
  reader.string(); // reserved
  const hashAlgorithm = reader.name();
  const signature = reader.string();
  reader.end();
  if (publicKey.length > MAX_FIELD_BYTES || signature.length > MAX_FIELD_BYTES || namespace.length > 256) throw malformed("oversized field");
  if (namespace.length === 0) throw malformed("empty namespace");
  const keyType = new SshReader(publicKey, malformed).name();
  const sig = new SshReader(signature, malformed);
  const signatureType = sig.name();
  const signatureData = sig.string();
  const signatureTrailer = sig.raw(sig.remaining);
  return { publicKey, keyType, namespace: namespace.toString("utf8"), hashAlgorithm, signatureType, signatureData, signatureTrailer };
}

/** What the key signed: "SSHSIG", namespace, empty reserved, hash name, H(message). */
export function sshsigSignedData(namespace: string, hash: SshsigHash, message: Buffer | string): Buffer {
  const digest = createHash(hash).update(message).digest();
  return Buffer.concat([MAGIC, sshString(namespace), sshString(""), sshString(hash), sshString(digest)]);
}

/** The blob `ssh-keygen -Y sign` armors: the layout the decoder reads, an empty reserved field. */
export function encodeSshsigBlob(b: { publicKey: Buffer; namespace: string; hash: SshsigHash; signature: Buffer }): Buffer {
  return Buffer.concat([MAGIC, sshUint32(VERSION), sshString(b.publicKey), sshString(b.namespace), sshString(""), sshString(b.hash), sshString(b.signature)]);
}
