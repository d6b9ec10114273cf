import type { SshRsaHash } from "../keys/algorithms.js";
import type { ParsedPublicKey } from "../keys/types.js";

/** The RSA hashes every Signer accepts: the three an ssh-agent can sign with. */
export type RsaHash = SshRsaHash;

/**
 * Something that holds a private key: a key file in memory or a key in the ssh-agent.
 * Signatures are returned in one normalised form per key type so every token maker
 * can re-encode them: RSA → PKCS#1 v1.5 signature bytes (left-padded to the modulus
 * length); Ed25519 → 64 bytes; ECDSA → IEEE-P1363 r‖s (each the curve's byte length).
 * ECDSA hashes with the curve's hash (SHA-256/384/512), as SSH does. A security key
 * (sk-*, through ssh-agent; SSHSIG only) signs the FIDO assertion over `data` instead, so its
 * signature is the whole SSH signature blob the agent answered: `string type, string
 * signature, byte flags, uint32 counter`.
 */
export interface Signer {
  readonly publicKey: ParsedPublicKey;
  /** An OpenSSH certificate of `publicKey` (its wire blob): SSHSIG names it instead of the key. */
  readonly certificate?: Buffer | undefined;
  /** `rsaHash` is ignored for non-RSA keys; defaults to sha256. */
  sign(data: Buffer, options?: { rsaHash?: RsaHash }): Promise<Buffer>;
  /** Release resources (agent socket); idempotent. */
  close(): void;
}
