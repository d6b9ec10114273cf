import type { SshKeyType } from "../../keys/types.js";

export interface JwsAlgorithm {
  name: string;
  keyType: SshKeyType;
  /** node:crypto digest; null for Ed25519, which hashes internally. */
  hash: "sha256" | "sha384" | "sha512" | null;
  /** Exact signature length for fixed-size schemes (JOSE ECDSA is r‖s). */
  signatureLength?: number;
  ecdsa?: boolean;
}

/**
 * The algorithm policy: which JWS `alg` may be verified with which stored key type.
 * asymmetric-jwt-auth allows RS512/384/256 for RSA and EdDSA for Ed25519; ES256/384/512
 * are our extension for ECDSA keys. Anything absent (none, HS*, PS*) is never accepted,
 * and an alg is only ever used with a key of its own type.
 */
export const jwsAlgorithms: Readonly<Record<string, JwsAlgorithm>> = Object.freeze({
  RS512: { name: "RS512", keyType: "ssh-rsa", hash: "sha512" },
  RS384: { name: "RS384", keyType: "ssh-rsa", hash: "sha384" },
  RS256: { name: "RS256", keyType: "ssh-rsa", hash: "sha256" },
  EdDSA: { name: "EdDSA", keyType: "ssh-ed25519", hash: null, signatureLength: 64 },
  ES256: { name: "ES256", keyType: "ecdsa-sha2-nistp256", hash: "sha256", signatureLength: 64, ecdsa: true },
  ES384: { name: "ES384", keyType: "ecdsa-sha2-nistp384", hash: "sha384", signatureLength: 96, ecdsa: true },
  ES512: { name: "ES512", keyType: "ecdsa-sha2-nistp521", hash: "sha512", signatureLength: 132, ecdsa: true },
} satisfies Record<string, JwsAlgorithm>);

export function lookupJwsAlgorithm(alg: string): JwsAlgorithm | undefined {
  return Object.hasOwn(jwsAlgorithms, alg) ? jwsAlgorithms[alg] : undefined;
}

/** The algorithm a client uses by default for a key type (upstream's choice where upstream has one). */
export function defaultJwsAlgorithm(keyType: SshKeyType): JwsAlgorithm {
  const found = Object.values(jwsAlgorithms).find((a) => a.keyType === keyType);
  if (!found) throw new TypeError(`no JWS algorithm for ${keyType}`);
  return found;
}
