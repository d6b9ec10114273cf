/**
 * The one table of SSH key types and of what signs with what, read by the verifier
 * (keys/, schemes/) and the client (client/, cli/) alike, so the two cannot drift.
 * It imports nothing at run time, so a browser bundle may read it too.
 */
import type { EcCurve, SshKeyType } from "./types.js";

type KeyFamily = "rsa" | "ed25519" | "ecdsa";

export type EcdsaHash = "sha256" | "sha384" | "sha512";

/** How one SSH key type is named and sized in the formats we read and write. */
export interface SshKeyTypeInfo {
  type: SshKeyType;
  /** Short name for people: "RSA", "Ed25519", "ECDSA P-256" (the console's key tables show it). */
  label: string;
  family: KeyFamily;
  curve: EcCurve | null;
  /** Name node:crypto reports in asymmetricKeyDetails.namedCurve. */
  nodeCurve: string | null;
  /** JWK "crv" used to hand EC points to node:crypto. */
  jwkCurve: string | null;
  /** Byte length of one EC coordinate (or of the Ed25519 public key). */
  pointBytes: number | null;
  /** Fixed size for EC/Ed25519; RSA size is measured. */
  bits: number | null;
  /**
   * ECDSA signatures: the digest RFC 5656 §6.2.1 pairs with the curve, and the byte length
   * of r and of s (IEEE-P1363 `r‖s` is twice that). Null for RSA (the signature picks its
   * hash) and Ed25519 (which hashes internally).
   */
  ecdsa: { hash: EcdsaHash; scalarBytes: number } | null;
  /**
   * A FIDO security-key type (PROTOCOL.u2f): its blob adds `string application` after the
   * plain key's fields, and its signatures add `byte flags, uint32 counter`.
   */
  securityKey: boolean;
  /** The plain key type node:crypto verifies with: the type itself, or the key inside an sk-* key. */
  plainType: SshKeyType;
  /**
   * The RFC 9421 (HTTP Message Signatures) `alg` this key type signs with, or null: P-521 has
   * no registered algorithm, and a security key's signature is not a plain one.
   */
  httpSignatureAlg: HttpSignatureAlgName | null;
  /** What the instance key policy (strategy/policy/) calls the type: `passport-sshkey policy set --key-types ed25519,sk-ecdsa`. */
  policyName: PolicyKeyTypeName;
}

/** The key type names of the instance policy, one per row family; "cert" (certificate logins) is the policy's own. */
export const policyKeyTypeNames = ["ed25519", "ecdsa", "rsa", "sk-ed25519", "sk-ecdsa"] as const;
type PolicyKeyTypeName = (typeof policyKeyTypeNames)[number];

/** The RFC 9421 §6.2 algorithms an SSH key can produce (RSA through the agent's rsa-sha2-256 flag). */
type HttpSignatureAlgName = "ed25519" | "ecdsa-p256-sha256" | "ecdsa-p384-sha384" | "rsa-v1_5-sha256";

function ecdsa(
  curve: EcCurve,
  nodeCurve: string,
  jwkCurve: string,
  bits: number,
  bytes: number,
  hash: EcdsaHash,
  httpSignatureAlg: HttpSignatureAlgName | null,
): SshKeyTypeInfo {
  return {
    type: `ecdsa-sha2-${curve}`,
    label: `ECDSA ${jwkCurve}`,
    family: "ecdsa",
    curve,
    nodeCurve,
    jwkCurve,
    pointBytes: bytes,
    bits,
    ecdsa: { hash, scalarBytes: bytes },
    securityKey: false,
    plainType: `ecdsa-sha2-${curve}`,
    httpSignatureAlg,
    policyName: "ecdsa",
  };
}

/** The sk-* type wrapping a plain one (OpenSSH names them differently for each curve). */
function securityKey(type: SshKeyType, plain: SshKeyTypeInfo): SshKeyTypeInfo {
  const policyName = plain.policyName === "ed25519" ? "sk-ed25519" : "sk-ecdsa";
  return { ...plain, type, label: `${plain.label} security key`, securityKey: true, plainType: plain.type, httpSignatureAlg: null, policyName };
}

const ed25519: SshKeyTypeInfo = {
  type: "ssh-ed25519",
  label: "Ed25519",
  family: "ed25519",
  curve: null,
  nodeCurve: null,
  jwkCurve: "Ed25519",
  pointBytes: 32,
  bits: 256,
  ecdsa: null,
  securityKey: false,
  plainType: "ssh-ed25519",
  httpSignatureAlg: "ed25519",
  policyName: "ed25519",
};
const nistp256 = ecdsa("nistp256", "prime256v1", "P-256", 256, 32, "sha256", "ecdsa-p256-sha256");

/** Every key type this project parses, in the order error messages list them. */
export const sshKeyTypes: ReadonlyMap<SshKeyType, SshKeyTypeInfo> = new Map<SshKeyType, SshKeyTypeInfo>([
  [
    "ssh-rsa",
    {
      type: "ssh-rsa",
      label: "RSA",
      family: "rsa",
      curve: null,
      nodeCurve: null,
      jwkCurve: null,
      pointBytes: null,
      bits: null,
      ecdsa: null,
      securityKey: false,
      plainType: "ssh-rsa",
      httpSignatureAlg: "rsa-v1_5-sha256",
      policyName: "rsa",
    },
  ],
  ["ssh-ed25519", ed25519],
  ["ecdsa-sha2-nistp256", nistp256],
  ["ecdsa-sha2-nistp384", ecdsa("nistp384", "secp384r1", "P-384", 384, 48, "sha384", "ecdsa-p384-sha384")],
  ["ecdsa-sha2-nistp521", ecdsa("nistp521", "secp521r1", "P-521", 521, 66, "sha512", null)],
  ["sk-ssh-ed25519@openssh.com", securityKey("sk-ssh-ed25519@openssh.com", ed25519)],
  ["sk-ecdsa-sha2-nistp256@openssh.com", securityKey("sk-ecdsa-sha2-nistp256@openssh.com", nistp256)],
]);

/** Is `name` one of the key types in the table? */
export function isSshKeyType(name: string): name is SshKeyType {
  return sshKeyTypes.has(name as SshKeyType);
}

/** The row for a key type already known to be in the table. */
export function sshKeyType(type: SshKeyType): SshKeyTypeInfo {
  const info = sshKeyTypes.get(type);
  if (!info) throw new TypeError(`unknown SSH key type ${String(type)}`);
  return info;
}

// ——— asymmetric-jwt-auth (JWS) ———

export type JwsAlgorithmName = "RS512" | "RS384" | "RS256" | "EdDSA" | "ES256" | "ES384" | "ES512";

export interface JwsAlgorithm {
  name: JwsAlgorithmName;
  keyType: SshKeyType;
  /** node:crypto digest; null for Ed25519, which hashes internally. */
  hash: "sha256" | "sha384" | "sha512" | null;
  /** Exact signature length for fixed-size schemes (JOSE ECDSA is r‖s). */
  signatureLength?: number;
  /** JOSE's ECDSA signature is IEEE-P1363 r‖s, not DER. */
  ecdsa?: boolean;
}

/**
 * Which JWS `alg` signs with which key type. asymmetric-jwt-auth allows RS512/384/256 for
 * RSA and EdDSA for Ed25519; ES256/384/512 are our extension for ECDSA keys. Anything
 * absent (none, HS*, PS*) is never accepted, and an alg is only ever used with a key of its
 * own type. For each key type the first row is what a client sends by default (RS512 is
 * what the upstream client sends).
 */
export const jwsAlgorithms: Readonly<Record<JwsAlgorithmName, JwsAlgorithm>> = Object.freeze({
  RS512: { name: "RS512", keyType: "ssh-rsa", hash: "sha512" },
  RS384: { name: "RS384", keyType: "ssh-rsa", hash: "sha384" },
  RS256: { name: "RS256", keyType: "ssh-rsa", hash: "sha256" },
  EdDSA: { name: "EdDSA", keyType: "ssh-ed25519", hash: null, signatureLength: 64 },
  ES256: { name: "ES256", keyType: "ecdsa-sha2-nistp256", hash: "sha256", signatureLength: 64, ecdsa: true },
  ES384: { name: "ES384", keyType: "ecdsa-sha2-nistp384", hash: "sha384", signatureLength: 96, ecdsa: true },
  ES512: { name: "ES512", keyType: "ecdsa-sha2-nistp521", hash: "sha512", signatureLength: 132, ecdsa: true },
} satisfies Record<JwsAlgorithmName, JwsAlgorithm>);

/** The JWS algorithms that sign with `keyType`, the default first; empty for any other type. */
export function jwsAlgorithmsFor(keyType: string): readonly JwsAlgorithm[] {
  return Object.values(jwsAlgorithms).filter((algorithm) => algorithm.keyType === keyType);
}

// ——— the other schemes ———

/** Oxide sshauth: the two signature algorithms its token format can name. */
export const sshauthKeyTypes: ReadonlySet<SshKeyType> = new Set<SshKeyType>(["ssh-ed25519", "ecdsa-sha2-nistp256"]);

/** Spotify crtauth: RSA only (PKCS#1 v1.5 signatures over SHA-1, as upstream). */
export const crtauthKeyTypes: ReadonlySet<SshKeyType> = new Set<SshKeyType>(["ssh-rsa"]);

/** SSHSIG over HTTP: every key type, security keys included (certificates are not accepted yet). */
export const sshsigKeyTypes: ReadonlySet<SshKeyType> = new Set<SshKeyType>(sshKeyTypes.keys());

/** RFC 9421: the key types with a registered HTTP signature algorithm (the table's httpSignatureAlg column). */
export const httpSignatureKeyTypes: ReadonlySet<SshKeyType> = new Set<SshKeyType>(
  [...sshKeyTypes.values()].filter((info) => info.httpSignatureAlg !== null).map((info) => info.type),
);

/** The key type an RFC 9421 `alg` signs with, or null for an algorithm no SSH key produces (hmac-*, rsa-pss-*, unknown). */
export function keyTypeOfHttpSignatureAlg(alg: string): SshKeyType | null {
  for (const info of sshKeyTypes.values()) if (info.httpSignatureAlg === alg) return info.type;
  return null;
}

/** Key types each wire format can sign with. */
export const schemeKeyTypes: Readonly<Record<"jwt" | "sshauth" | "crtauth" | "sshsig" | "rfc9421", ReadonlySet<SshKeyType>>> = Object.freeze({
  jwt: new Set(Object.values(jwsAlgorithms).map((algorithm) => algorithm.keyType)),
  sshauth: sshauthKeyTypes,
  crtauth: crtauthKeyTypes,
  sshsig: sshsigKeyTypes,
  rfc9421: httpSignatureKeyTypes,
});

// ——— RSA signature names on the SSH wire ———

export type SshRsaHash = "sha1" | "sha256" | "sha512";

/**
 * RFC 8332: the SSH signature algorithm name an RSA signature carries for each hash, and
 * the flag (draft-miller-ssh-agent §4.5.1) that asks an ssh-agent for it. SHA-1 is plain
 * `ssh-rsa`, which crtauth needs; the agent protocol has no flag for SHA-384.
 */
export const sshRsaSignatures: Readonly<Record<SshRsaHash, { algorithm: string; agentFlag: number }>> = Object.freeze({
  sha1: { algorithm: "ssh-rsa", agentFlag: 0 },
  sha256: { algorithm: "rsa-sha2-256", agentFlag: 2 },
  sha512: { algorithm: "rsa-sha2-512", agentFlag: 4 },
});
