import type { KeyObject } from "node:crypto";
import type { KeyProblemCode } from "./errors.js";

/** SSH key type names this project accepts (policy.ts says which are allowed to be stored). */
export type SshKeyType =
  | "ssh-rsa"
  | "ssh-ed25519"
  | "ecdsa-sha2-nistp256"
  | "ecdsa-sha2-nistp384"
  | "ecdsa-sha2-nistp521"
  | "sk-ssh-ed25519@openssh.com"
  | "sk-ecdsa-sha2-nistp256@openssh.com";

export type EcCurve = "nistp256" | "nistp384" | "nistp521";

/**
 * What a FIDO security-key (sk-*) key adds to a plain one. The two flags come from the
 * authorized_keys options the key was given with (`no-touch-required`, `verify-required`);
 * a bare key line gets the strict defaults.
 */
export interface SecurityKeyFacts {
  /** The FIDO application the key was made for: "ssh:" unless ssh-keygen was given another (a web origin). */
  application: string;
  /** Signatures must carry the user-presence (touch) flag: true unless `no-touch-required`. */
  touchRequired: boolean;
  /** Signatures must carry the user-verified (PIN) flag: `verify-required`. */
  verifyRequired: boolean;
}

/** A public key parsed and checked against policy, with every identifier derived from it. */
export interface ParsedPublicKey {
  type: SshKeyType;
  /** RSA modulus size; 256/384/521 for ECDSA; 256 for Ed25519. */
  bits: number;
  curve: EcCurve | null;
  /** "type base64" — no options, no comment. */
  openssh: string;
  /** Comment found on the line (or in the PEM header), trimmed; "" if none. */
  comment: string;
  /** "SHA256:<base64 no padding>", exactly as ssh-keygen -lf prints it. */
  fingerprintSha256: string;
  /** "aa:bb:…" hex, exactly as ssh-keygen -E md5 -lf prints it after "MD5:". */
  fingerprintMd5: string;
  /** asymmetric-jwt-auth kid: lowercase hex SHA-256 of the SPKI PEM text. */
  kid: string;
  /** crtauth key hint: hex of the first 6 bytes of SHA-1 over the SSH wire blob (RSA only). */
  crtauthFingerprint: string | null;
  /** The SSH wire blob (RFC 4253 public key encoding). */
  blob: Buffer;
  /** node:crypto key, ready for crypto.verify (for an sk-* key: its plain Ed25519 or P-256 key). */
  keyObject: KeyObject;
  /** Set for sk-* keys only. */
  securityKey: SecurityKeyFacts | null;
  /**
   * The authorized_keys options the line came with, canonical (lower-case names, `\"` escapes,
   * in the given order), or null: those sshd applies (`from=`, `command=`, `no-pty`…). The
   * security-key flags are in `securityKey`, `expiry-time` in `expiryTime`.
   */
  sshOptions: string | null;
  /** The line's `expiry-time` (the earliest, if several), or null. */
  expiryTime: Date | null;
}

/** One key found in a paste: parsed, or the reason it was refused, with the line it starts on (1-based). */
export type KeyPasteEntry =
  { ok: true; key: ParsedPublicKey; source: { line: number } } | { ok: false; problem: { code: KeyProblemCode; message: string }; source: { line: number } };
