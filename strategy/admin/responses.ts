// The admin API's answers, built from stored records and typed against the contract's response
// schemas: a field renamed here or in strategy/contract fails the build.
import type { z } from "zod";
import type {
  AuthEventJson,
  AuthorityJson,
  JwksEndpointJson,
  KeyEventJson,
  KeyJson,
  KeySourceJson,
  KeySyncReportJson,
  PreviewEntryJson,
  UserJson,
  UserWithKeyCountJson,
} from "../contract/responses.js";
import { keyStatus } from "../core/key-state.js";
import { parsePublicKey, storedKeyProblem, type KeyPolicyOptions, type parseKeyPaste } from "../keys/index.js";
import { isSshKeyType, sshKeyType } from "../keys/algorithms.js";
import { readOptions } from "../keys/formats/key-options.js";
import type { SyncReport } from "../import/key-importer.js";
import type {
  AuthEventEntry,
  CertificateAuthorityRecord,
  EventSink,
  JwksEndpointRecord,
  KeyRecord,
  KeySourceRecord,
  Outcome,
  UserRecord,
} from "../store/ports.js";

/**
 * The JSON form of a key: public material and metadata only. `problem` is set when the
 * codec refuses the stored text today (e.g. a small-order Ed25519 key stored before the
 * check existed): such a key is never tried at sign-in, and the console flags it.
 */
/**
 * `events`: the store's event sink; sign-ins it holds that are not yet in the key's columns are
 * added, so the key list and the key's page (whose events are written within a second) agree.
 * `policyBreaks`: the key policy's rules the key breaks now (listing and detail).
 */
export function keyJson(
  key: KeyRecord,
  nowMs: number,
  policy: KeyPolicyOptions = {},
  events?: EventSink,
  policyBreaks: readonly string[] = [],
): z.input<typeof KeyJson> {
  const pending = events?.pendingUse?.(key.id);
  const newer = pending !== undefined && (key.lastUsedAt === null || pending.at > key.lastUsedAt);
  return {
    id: key.id,
    username: key.username,
    type: key.type,
    bits: key.bits,
    openssh: key.openssh,
    fingerprintSha256: key.fingerprintSha256,
    fingerprintMd5: `MD5:${key.fingerprintMd5}`,
    kid: key.kid,
    comment: key.comment,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    lastUsedAt: newer ? pending.at : key.lastUsedAt,
    lastUsedIp: newer ? pending.ip : key.lastUsedIp,
    lastUsedScheme: newer ? pending.scheme : key.lastUsedScheme,
    useCount: key.useCount + (pending?.count ?? 0),
    revokedAt: key.revokedAt,
    revokedReason: key.revokedReason,
    status: keyStatus(key, nowMs),
    problem: storedKeyProblem(key.openssh, policy),
    securityKey: securityKeyJson(key),
    sshOptions: key.sshOptions,
    options: keyOptionsJson(key.sshOptions),
    origin: key.origin,
    originRef: key.originRef,
    sourceId: key.sourceId,
    unverified: key.unverified,
    verifiedAt: key.verifiedAt,
    scopes: key.scopes,
    rateLimit: key.rateLimit,
    failedAttempts: key.failedAttempts,
    // A lock that ran out is no lock, though the row keeps it until the next failure or success.
    lockedUntil: key.lockedUntil && key.lockedUntil.getTime() > nowMs ? key.lockedUntil : null,
    policyBreaks: [...policyBreaks],
  };
}

export function keySourceJson(source: KeySourceRecord): z.input<typeof KeySourceJson> {
  const { id, username, kind, ref, url, createdAt, lastSyncedAt, lastError, retryAfter } = source;
  return { id, username, kind, ref, url, createdAt, lastSyncedAt, lastError, retryAfter };
}

/** An import's or sync's report; who holds a skipped key is told to administrators only. */
export function keySyncReportJson(
  report: SyncReport,
  caller: { isAdmin: boolean },
  nowMs: number,
  policy: KeyPolicyOptions,
): z.input<typeof KeySyncReportJson> {
  return {
    source: keySourceJson(report.source),
    added: report.added.map((key) => keyJson(key, nowMs, policy)),
    revoked: report.revoked.map((key) => keyJson(key, nowMs, policy)),
    unchanged: report.unchanged,
    skipped: report.skipped.map(({ fingerprintSha256, reason, holder }) => ({
      fingerprintSha256,
      reason,
      ...(caller.isAdmin && holder !== undefined ? { holder } : {}),
    })),
    refused: report.refused,
    removalsHeld: report.removalsHeld,
  };
}

/** Stored options one by one, each marked with whether HTTP sign-in enforces it. */
function keyOptionsJson(sshOptions: string | null): z.input<typeof KeyJson>["options"] {
  if (!sshOptions) return [];
  try {
    return readOptions(sshOptions).options.map(({ name, value }) => ({ name, value, enforcedOnHttp: name === "from" }));
  } catch {
    // Text this server did not write: shown whole, as sshd would refuse it.
    return [{ name: sshOptions, value: null, enforcedOnHttp: false }];
  }
}

/** A stored security key's facts; its application is in its key text, the rest in its row. */
function securityKeyJson(key: KeyRecord): z.input<typeof KeyJson>["securityKey"] {
  if (!isSshKeyType(key.type) || !sshKeyType(key.type).securityKey) return null;
  let application: string;
  try {
    application = parsePublicKey(key.openssh).securityKey?.application ?? "";
  } catch {
    // Refused today: `problem` says why; the row's flags are still worth showing.
    application = "";
  }
  return { application, touchRequired: key.touchRequired, verifyRequired: key.verifyRequired, signCounter: key.signCounter };
}

/** One entry of a parsed paste, without the parser's internals. */
export function previewEntryJson(entry: ReturnType<typeof parseKeyPaste>[number]): z.input<typeof PreviewEntryJson> {
  if (!entry.ok) return { ok: false, line: entry.source.line, problem: { code: entry.problem.code, message: entry.problem.message } };
  const k = entry.key;
  return {
    ok: true,
    line: entry.source.line,
    type: k.type,
    bits: k.bits,
    fingerprintSha256: k.fingerprintSha256,
    fingerprintMd5: `MD5:${k.fingerprintMd5}`,
    kid: k.kid,
    comment: k.comment,
    openssh: k.openssh,
    securityKey: k.securityKey && {
      application: k.securityKey.application,
      touchRequired: k.securityKey.touchRequired,
      verifyRequired: k.securityKey.verifyRequired,
    },
    sshOptions: k.sshOptions,
    options: keyOptionsJson(k.sshOptions),
    expiryTime: k.expiryTime,
  };
}

export function userJson(user: UserRecord): z.input<typeof UserJson> {
  return {
    id: user.id,
    username: user.username,
    isAdmin: user.isAdmin,
    disabled: user.disabled,
    requireUserVerification: user.requireUserVerification,
    createdAt: user.createdAt,
    origin: user.origin,
    email: user.email,
  };
}

export function userWithKeyCountJson(user: UserRecord, keyCount: number): z.input<typeof UserWithKeyCountJson> {
  return { ...userJson(user), keyCount };
}

/** Only these three are ever written. */
function outcomeOf(outcome: string): Outcome {
  return outcome === "success" || outcome === "alarm" ? outcome : "failure";
}

export function keyEventJson(event: Pick<AuthEventEntry, "id" | "at" | "scheme" | "outcome" | "errorCode" | "ip" | "userAgent">): z.input<typeof KeyEventJson> {
  return {
    id: event.id,
    at: event.at,
    scheme: event.scheme,
    outcome: outcomeOf(event.outcome),
    errorCode: event.errorCode,
    ip: event.ip,
    userAgent: event.userAgent,
  };
}

/** `caNames`: the names of the CAs trusted now, by id (an event keeps a removed CA's id, without a name). */
export function authEventJson(event: AuthEventEntry, caNames: ReadonlyMap<string, string>): z.input<typeof AuthEventJson> {
  const certificate =
    event.caId === null && event.certSerial === null && event.certKeyId === null
      ? null
      : {
          caId: event.caId,
          caName: event.caId === null ? null : (caNames.get(event.caId) ?? null),
          serial: event.certSerial,
          keyId: event.certKeyId,
          principal: event.certPrincipal,
        };
  return {
    ...keyEventJson(event),
    username: event.username,
    userId: event.userId,
    keyId: event.keyId,
    keyFingerprint: event.keyFingerprint,
    keyComment: event.keyComment,
    certificate,
    jwks: event.jwksUrl === null || event.jwksKid === null ? null : { url: event.jwksUrl, kid: event.jwksKid },
  };
}

export function authorityJson(ca: CertificateAuthorityRecord, revocationCount: number): z.input<typeof AuthorityJson> {
  return {
    id: ca.id,
    name: ca.name,
    type: ca.type,
    openssh: ca.openssh,
    fingerprintSha256: ca.fingerprintSha256,
    principalMap: ca.principalMap,
    createdAt: ca.createdAt,
    lastUsedAt: ca.lastUsedAt,
    revokedAt: ca.revokedAt,
    revocationCount,
  };
}

export function jwksEndpointJson(e: JwksEndpointRecord): z.input<typeof JwksEndpointJson> {
  return {
    id: e.id,
    username: e.username,
    url: e.url,
    createdAt: e.createdAt,
    lastUsedAt: e.lastUsedAt,
    lastFetchedAt: e.lastFetchedAt,
    lastFetchError: e.lastFetchError,
  };
}
