import type { KeyObject } from "node:crypto";
import { KeyFormatError } from "./errors.js";
import { prepareSshSignature, splitSshSignature, sshSignatureVerifies } from "./ssh-signature.js";
import type { SshKeyType } from "./types.js";
import { SshReader, sshString, type SshWireFault } from "./wire.js";

/**
 * An OpenSSH certificate (PROTOCOL.certkeys), decoded and nothing more: no field is
 * trusted until `certificateSignatureVerifies` has checked the CA's signature over
 * `signedBytes`. Written here because sshpk does not verify certificate signatures
 * (its `isSignedByKey` only compares the CA's fingerprint).
 */
export interface OpenSshCertificate {
  /** "ssh-ed25519-cert-v01@openssh.com", … */
  readonly certType: string;
  /** The certified key as a plain SSH public-key blob ("ssh-ed25519", …). */
  readonly keyBlob: Buffer;
  readonly serial: bigint;
  /** 1 user, 2 host (other values are kept so the caller can name them in a refusal). */
  readonly type: number;
  readonly keyId: string;
  /** Empty means any principal; callers decide whether that is acceptable. */
  readonly principals: readonly string[];
  /** Unix seconds; `validBefore` 2^64−1 means forever. */
  readonly validAfter: bigint;
  readonly validBefore: bigint;
  /** Critical option name → its value (for `source-address`, the comma list); value "" when the option has none. */
  readonly criticalOptions: ReadonlyMap<string, string>;
  readonly extensions: ReadonlyMap<string, string>;
  /** The CA's plain public-key blob. */
  readonly signatureKey: Buffer;
  /** The CA's SSH signature blob (string algorithm, string signature). */
  readonly signature: Buffer;
  /** What the CA signed: every byte of the certificate before the signature field. */
  readonly signedBytes: Buffer;
}

export const userCertificate = 1;
export const hostCertificate = 2;

const certSuffix = "-cert-v01@openssh.com";
const maxPrincipals = 256;
const maxOptions = 64;

/** The plain key type a certificate type certifies, or null when `name` is no certificate type. */
export function certifiedKeyType(name: string): string | null {
  if (!name.endsWith(certSuffix)) return null;
  const stem = name.slice(0, -certSuffix.length);
  return stem.startsWith("sk-") ? `${stem}@openssh.com` : stem;
}

/** Does this key-type name (from untrusted input) name an OpenSSH certificate? */
function isCertificateType(name: string): boolean {
  return certifiedKeyType(name) !== null;
}

// The wire fields of each plain key type after its name; sk keys add their application string.
function keyFieldCount(plainType: string): number {
  const base = plainType.startsWith("sk-") ? 1 : 0;
  if (plainType === "ssh-rsa") return 2;
  if (plainType.includes("ed25519")) return 1 + base;
  if (plainType.includes("ecdsa-sha2-")) return 2 + base;
  return -1;
}

const faultMessages: Record<SshWireFault, string> = {
  truncated: "The certificate is truncated.",
  length_overrun: "The certificate is truncated (a length field is larger than the data that follows).",
  bad_name: "The certificate holds an invalid name.",
  negative_mpint: "The certificate holds a negative number.",
  non_minimal_mpint: "The certificate holds a badly encoded number.",
  trailing_bytes: "The certificate has unexpected bytes after its signature.",
};

function malformed(message: string): KeyFormatError {
  return new KeyFormatError("malformed_key", message, { format: "ssh_blob" });
}

function printable(raw: Buffer, what: string): string {
  const text = raw.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(raw) || /[\u0000-\u001f\u007f]/.test(text)) throw malformed(`The certificate's ${what} is not printable UTF-8.`);
  return text;
}

// Options and extensions: (string name, string data) pairs, each name once and in
// lexical order (PROTOCOL.certkeys). A value, when present, is itself one string.
function readOptions(raw: Buffer, what: string): Map<string, string> {
  const reader = new SshReader(raw, (fault) => malformed(`The certificate's ${what}: ${faultMessages[fault]}`));
  const options = new Map<string, string>();
  let previous: string | null = null;
  while (reader.remaining > 0) {
    if (options.size >= maxOptions) throw malformed(`The certificate has too many ${what}.`);
    const name = printable(reader.string(), `${what} name`);
    if (name === "") throw malformed(`The certificate has an empty ${what} name.`);
    if (previous !== null && name <= previous) throw malformed(`The certificate's ${what} are repeated or out of order.`);
    previous = name;
    const data = reader.string();
    let value = "";
    if (data.length > 0) {
      const inner = new SshReader(data, (fault) => malformed(`The certificate's ${what} ${name}: ${faultMessages[fault]}`));
      value = printable(inner.string(), `${what} ${name}`);
      inner.end();
    }
    options.set(name, value);
  }
  return options;
}

function readPrincipals(raw: Buffer): string[] {
  const reader = new SshReader(raw, (fault) => malformed(`The certificate's principals: ${faultMessages[fault]}`));
  const principals: string[] = [];
  while (reader.remaining > 0) {
    if (principals.length >= maxPrincipals) throw malformed("The certificate lists too many principals.");
    principals.push(printable(reader.string(), "principal"));
  }
  return principals;
}

/** Decodes a certificate blob; every fault is a KeyFormatError (`malformed_key`, `unsupported_type`). */
export function decodeCertificate(blob: Buffer): OpenSshCertificate {
  const reader = new SshReader(blob, (fault) => malformed(faultMessages[fault]));
  const certType = reader.name();
  const plainType = certifiedKeyType(certType);
  const fields = plainType === null ? -1 : keyFieldCount(plainType);
  if (plainType === null || fields < 0) throw new KeyFormatError("unsupported_type", "This is not an OpenSSH certificate type this server reads.");
  reader.string(); // nonce: only makes the CA's signature unique
  const keyParts = [sshString(plainType)];
  for (let i = 0; i < fields; i++) keyParts.push(sshString(reader.string()));
  const serial = reader.uint64();
  const type = reader.uint32();
  const keyId = printable(reader.string(), "key id");
  const principals = readPrincipals(reader.string());
  const validAfter = reader.uint64();
  const validBefore = reader.uint64();
  const criticalOptions = readOptions(reader.string(), "critical options");
  const extensions = readOptions(reader.string(), "extensions");
  reader.string(); // reserved
  const signatureKey = reader.string();
  const signedLength = blob.length - reader.remaining;
  const signature = reader.string();
  reader.end();
  if (isCertificateType(new SshReader(signatureKey, (fault) => malformed(`The certificate's CA key: ${faultMessages[fault]}`)).name())) {
    throw malformed("The certificate is signed by another certificate; OpenSSH certificates cannot be chained.");
  }
  return {
    certType,
    keyBlob: Buffer.concat(keyParts),
    serial,
    type,
    keyId,
    principals,
    validAfter,
    validBefore,
    criticalOptions,
    extensions,
    signatureKey,
    signature,
    signedBytes: blob.subarray(0, signedLength),
  };
}

/** The outcome of checking a certificate's CA signature; only "valid" lets any field be trusted. */
export type CertificateSignatureCheck = "valid" | "invalid" | "sha1" | "malformed";

/**
 * Verifies the CA's signature over the certificate with the CA key the caller trusts (never
 * with the key the certificate names: that one is only compared). RSA CAs must sign with
 * rsa-sha2-256/512, as OpenSSH ≥ 8.2 requires by default.
 */
export function certificateSignatureVerifies(
  cert: OpenSshCertificate,
  ca: { blob: Buffer; type: SshKeyType; keyObject: KeyObject },
): CertificateSignatureCheck {
  if (!cert.signatureKey.equals(ca.blob)) return "invalid";
  const parts = splitSshSignature(cert.signature);
  if (parts === null) return "malformed";
  const prepared = prepareSshSignature(ca.type, parts.algorithm, parts.data);
  if (prepared === "sha1") return "sha1";
  if (typeof prepared === "string") return "malformed";
  return sshSignatureVerifies(cert.signedBytes, ca.keyObject, prepared) ? "valid" : "invalid";
}
