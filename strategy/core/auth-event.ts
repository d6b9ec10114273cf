import type { AuthEventRecord, KeyCandidate, StoredKey } from "../store/ports.js";
import type { UntrustedCertificate } from "./codec.js";
import type { RequestView } from "./request-view.js";

/** What an event records of the OpenSSH certificate an attempt used (AuthEventRecord's cert columns). */
export type CertificateFields = Required<Pick<AuthEventRecord, "caId" | "certSerial" | "certKeyId" | "certPrincipal">>;

/** A key id is the certificate holder's text: the log keeps as much of it as of a username. */
const loggedKeyId = (keyId: string) => keyId.slice(0, 256);

/** The key's row id, or null for a key without a row (a certificate's certified key, a key read from a JWKS). */
export function storedKeyId(key: StoredKey): string | null {
  return key.certifiedBy === undefined && key.fromJwks === undefined ? key.id : null;
}

/** What an event records of a key read from a JWKS: the URL it was found in and its kid (AuthEventRecord's jwks columns). */
export type JwksFields = Required<Pick<AuthEventRecord, "jwksUrl" | "jwksKid">>;

/** The JWKS key among an attempt's candidates (there is at most one), as its event records it. */
export function jwksOf(candidates: readonly KeyCandidate[]): JwksFields | undefined {
  for (const candidate of candidates) if (candidate.key.fromJwks !== undefined) return jwksOfKey(candidate.key);
  return undefined;
}

/** The key's JWKS URL and kid as an event records them, if it was read from a JWKS. */
export function jwksOfKey(key: StoredKey): JwksFields | undefined {
  const from = key.fromJwks;
  return from === undefined ? undefined : { jwksUrl: from.url.slice(0, 2048), jwksKid: from.kid.slice(0, 256) };
}

/** A certified key that signed in: its CA and certificate, and the username its CA's mapping read. */
export function certificateOf(key: StoredKey, principal: string | null): CertificateFields | undefined {
  const cert = key.certifiedBy;
  if (cert === undefined) return undefined;
  return { caId: cert.authority.id, certSerial: cert.serial.toString(), certKeyId: loggedKeyId(cert.keyId), certPrincipal: principal };
}

/**
 * What a refused attempt records of the certificate it used, as far as it was read: serial and
 * key id from the decoded (unverified) certificate, the CA when the store trusts it (the
 * candidate carries it), the principal only once the mapping was checked. These go to the log,
 * never to the client.
 */
export function attemptedCertificate(
  cert: UntrustedCertificate | undefined,
  candidates: readonly KeyCandidate[],
  mappedPrincipal: string | null,
): CertificateFields | undefined {
  if (cert === undefined) return undefined;
  const authority = candidates.find((c) => c.key.certifiedBy !== undefined)?.key.certifiedBy?.authority;
  return {
    caId: authority?.id ?? null,
    certSerial: cert.serial.toString(),
    certKeyId: loggedKeyId(cert.keyId),
    certPrincipal: mappedPrincipal,
  };
}

/** One authentication event as the log stores it, with the request's client address and user agent. */
export function authEventFrom(
  request: RequestView,
  nowMs: number,
  fields: Pick<AuthEventRecord, "scheme" | "outcome" | "errorCode" | "userId" | "username" | "keyId">,
  certificate?: CertificateFields,
  jwks?: JwksFields,
): AuthEventRecord {
  // Spelt out rather than spread: this runs once per request.
  const event: AuthEventRecord = {
    at: new Date(nowMs),
    scheme: fields.scheme,
    outcome: fields.outcome,
    errorCode: fields.errorCode,
    userId: fields.userId,
    keyId: fields.keyId,
    username: fields.username === null ? null : fields.username.slice(0, 256),
    ip: request.clientAddress,
    userAgent: request.userAgent?.slice(0, 300) ?? null,
  };
  if (jwks !== undefined) {
    // A JWKS key has no row either: the event names the URL and kid instead.
    event.keyId = null;
    event.jwksUrl = jwks.jwksUrl;
    event.jwksKid = jwks.jwksKid;
  }
  if (certificate === undefined) return event;
  // A certified key has no row: the event names the CA and certificate instead.
  event.keyId = null;
  event.caId = certificate.caId;
  event.certSerial = certificate.certSerial;
  event.certKeyId = certificate.certKeyId;
  event.certPrincipal = certificate.certPrincipal;
  return event;
}
