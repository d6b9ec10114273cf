import { isKeyFormatError } from "../keys/errors.js";
import { fingerprintSha1, fingerprintSha256 } from "../keys/fingerprint.js";
import { parsePublicKeyBlob } from "../keys/parse.js";
import type { ParsedPublicKey } from "../keys/types.js";
import { AuthError } from "../errors.js";
import {
  JwksUnavailableError,
  type CertificateAuthorityStore,
  type CertificateIdentity,
  type JwksEndpointStore,
  type JwksKeySource,
  type KeyCandidate,
  type KeyStore,
} from "../store/ports.js";
import type { CredentialHints, UntrustedCertificate } from "./codec.js";
import { keyState } from "./key-state.js";

/**
 * Most signature checks one credential may cause. A credential that cannot name its key
 * (a JWT without kid, an sshauth token with only an identity, a crtauth response whose
 * key is not the one its challenge named) is tried against its user's keys, so without
 * a cap its cost would grow with the number of keys the account holds.
 */
export const maxCandidatesPerCredential = 8;

/** Stored kids are lower-case hex SHA-256: any other kid names no key, and is refused without a lookup. */
const kidShape = /^[0-9a-f]{64}$/;

/** Where a JWT's kid is looked up when no stored key has it: the claimed user's JWKS URLs, and the key source that reads them. */
export interface JwksTrust {
  readonly endpoints: JwksEndpointStore;
  readonly keys: JwksKeySource;
  /** The Retry-After of `jwks_unavailable`: when the key source fetches a failed set again. */
  readonly retryAfterSeconds: number;
}

/**
 * The stored keys worth a signature check for these hints. A credential that names its key
 * (kid, fingerprint) is checked against that key alone, kept only if it belongs to the user
 * the credential claims: falling back to the user's other keys would let junk credentials
 * cost one check per key the user holds. Otherwise the claimed user's keys.
 */
export async function findCandidates(
  keys: KeyStore,
  hints: CredentialHints,
  authorities?: CertificateAuthorityStore,
  jwks?: JwksTrust,
): Promise<KeyCandidate[]> {
  const username = hints.untrustedUsername;
  const types = hints.keyTypes;
  if (hints.untrustedCertificate !== undefined) {
    return authorities && username !== null ? certifiedCandidates(keys, authorities, hints.untrustedCertificate, username, types) : [];
  }
  let named: KeyCandidate | null;
  if (hints.untrustedKid !== undefined && hints.untrustedKid !== null) {
    named = kidShape.test(hints.untrustedKid) ? await keys.findByKid(hints.untrustedKid) : null;
    if (!named && jwks && username !== null && hints.jwsAlgorithm !== undefined) {
      return jwksCandidates(keys, jwks, username, hints.untrustedKid, hints.jwsAlgorithm, types);
    }
  } else if (hints.untrustedFingerprints !== undefined) {
    const found: KeyCandidate[] = [];
    for (const fingerprint of new Set(hints.untrustedFingerprints)) {
      const candidate = await keys.findByFingerprint(fingerprint);
      if (candidate && (username === null || candidate.user.username === username) && types.has(candidate.key.parsed.type)) found.push(candidate);
    }
    return found;
  } else if (hints.untrustedFingerprint !== undefined && hints.untrustedFingerprint !== null) {
    named = await keys.findByFingerprint(hints.untrustedFingerprint);
  } else {
    if (username === null) return [];
    const byUser = await keys.findByUsername(username);
    if (!byUser) return [];
    const found: KeyCandidate[] = [];
    for (const key of byUser.keys) if (types.has(key.parsed.type)) found.push({ key, user: byUser.user });
    return found;
  }
  if (!named || (username !== null && named.user.username !== username) || !types.has(named.key.parsed.type)) return [];
  return [named];
}

/** Longest kid looked up in a JWKS: a kid is a name, and a longer one is nobody's. */
const maxJwksKidLength = 256;

/**
 * The one candidate for a kid no stored key has: the key under that kid in the first of the
 * claimed user's JWKS URLs (oldest first, all read at once) that holds one the token's alg may use (no stored row: the id names
 * the endpoint and kid). A user without JWKS URLs, or whose sets lack the kid, has none;
 * `jwks_unavailable` when some set could not be read and none held the kid, so a set that is
 * down is never read as one without the key.
 */
async function jwksCandidates(
  keys: KeyStore,
  jwks: JwksTrust,
  username: string,
  kid: string,
  alg: string,
  types: ReadonlySet<string>,
): Promise<KeyCandidate[]> {
  if (kid.length > maxJwksKidLength) return [];
  const owner = await keys.findByUsername(username);
  if (!owner) return [];
  const endpoints = await jwks.endpoints.forUser(owner.user.id);
  // All sets at once: a request waits for the slowest one, not for the sum of their timeouts.
  const found = await Promise.allSettled(endpoints.map((endpoint) => jwks.keys.findKey(endpoint.url, alg, kid)));
  let unavailable = false;
  for (const [i, outcome] of found.entries()) {
    if (outcome.status === "rejected") {
      if (!(outcome.reason instanceof JwksUnavailableError)) throw outcome.reason;
      unavailable = true;
      continue;
    }
    const parsed = outcome.value;
    if (parsed === null || !types.has(parsed.type)) continue;
    const endpoint = endpoints[i]!;
    const key = {
      id: `jwks:${endpoint.id}:${kid}`,
      userId: owner.user.id,
      comment: kid,
      createdAt: endpoint.createdAt,
      expiresAt: null,
      revokedAt: null,
      parsed,
      fromJwks: { endpointId: endpoint.id, url: endpoint.url, kid },
    };
    return [{ key, user: owner.user }];
  }
  if (unavailable) {
    throw new AuthError("jwks_unavailable", "a JWKS this user trusts could not be read; retry later", {
      detail: { retryAfterSeconds: jwks.retryAfterSeconds },
    });
  }
  return [];
}

function certifiedKey(blob: Buffer): ParsedPublicKey | null {
  try {
    return parsePublicKeyBlob(blob);
  } catch (error) {
    if (isKeyFormatError(error)) return null;
    throw error;
  }
}

/**
 * What a certificate is checked against: its serial, key id and certified key's SHA-256, and the
 * other fingerprints a KRL's key sections may name: the certified key's SHA-1, and the CA key's
 * own, as OpenSSH refuses a certificate whose CA key is itself revoked.
 */
export function certificateIdentity(serial: bigint, keyId: string, certifiedKeyBlob: Buffer, caKeyBlob: Buffer): CertificateIdentity {
  return {
    serial,
    keyId,
    keyFingerprint: fingerprintSha256(certifiedKeyBlob),
    otherFingerprints: [fingerprintSha1(certifiedKeyBlob), fingerprintSha256(caKeyBlob), fingerprintSha1(caKeyBlob)],
  };
}

/**
 * The one candidate for a certificate: its certified key (no stored row: the id names the CA
 * and serial) for the claimed user, with the CA the codec must check its signature against
 * and whether it is revoked, both read from the store now so a change holds on the next request.
 * An unknown CA, user or key the policy refuses is no candidate.
 */
async function certifiedCandidates(
  keys: KeyStore,
  authorities: CertificateAuthorityStore,
  cert: UntrustedCertificate,
  username: string,
  types: ReadonlySet<string>,
): Promise<KeyCandidate[]> {
  const authority = await authorities.findByFingerprint(cert.caFingerprint);
  if (!authority) return [];
  const parsed = certifiedKey(cert.keyBlob);
  if (!parsed || !types.has(parsed.type)) return [];
  const owner = await keys.findByUsername(username);
  if (!owner) return [];
  const revoked =
    authority.revokedAt !== null ||
    (await authorities.isRevoked(authority.id, certificateIdentity(cert.serial, cert.keyId, parsed.blob, authority.parsed.blob)));
  const key = {
    id: `cert:${authority.id}:${cert.serial}`,
    userId: owner.user.id,
    comment: cert.keyId,
    createdAt: new Date(0),
    expiresAt: null,
    revokedAt: null,
    parsed,
    certifiedBy: { authority, revoked, serial: cert.serial, keyId: cert.keyId },
  };
  return [{ key, user: owner.user }];
}

/**
 * The one ranking: keys that may sign in now first (so a refusal for a revoked or expired
 * key costs nothing on the success path and still names the real reason), then the key
 * the hints named, then the newest; at most `maxCandidatesPerCredential`.
 */
export function rankCandidates(candidates: KeyCandidate[], nowMs: number, preferred?: CredentialHints["preferredKey"]): KeyCandidate[] {
  if (candidates.length <= 1) return candidates;
  const scored = candidates.map((c) => ({
    c,
    score: (keyState(c.key, c.user.disabled, nowMs) === "active" ? 0 : 2) + (preferred && !preferred(c.key) ? 1 : 0),
  }));
  scored.sort(
    (a, b) =>
      a.score - b.score || b.c.key.createdAt.getTime() - a.c.key.createdAt.getTime() || (a.c.key.id < b.c.key.id ? -1 : a.c.key.id > b.c.key.id ? 1 : 0),
  );
  return scored.slice(0, maxCandidatesPerCredential).map((s) => s.c);
}
