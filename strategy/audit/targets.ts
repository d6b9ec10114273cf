// What the audit log says about each kind of target: its stable id and name, and the fields a
// change shows before and after. Never secrets: no session ids, link secrets or CSRF tokens.
import type { AuditAction } from "../contract/audit-actions.js";
import type { CertificateAuthorityRecord, JwksEndpointRecord, KeyRecord, UserRecord } from "../store/ports.js";
import type { AuditChange } from "./recorder.js";

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** Key → PublicKey.id, named by its SHA-256 fingerprint; owner and ownerId are kept on every entry (notifications find the owner by them). */
export function keyTarget(key: Pick<KeyRecord, "id" | "fingerprintSha256">): AuditChange["target"] {
  return { type: "key", id: key.id, name: key.fingerprintSha256 };
}

export const keyOwnerFields = ["owner", "ownerId"] as const;

export function keySnapshot(key: KeyRecord): Record<string, unknown> {
  return {
    owner: key.username,
    ownerId: key.userId,
    type: key.type,
    bits: key.bits,
    comment: key.comment,
    expiresAt: iso(key.expiresAt),
    revokedAt: iso(key.revokedAt),
    revokedReason: key.revokedReason,
    sshOptions: key.sshOptions,
    origin: key.origin,
    originRef: key.originRef,
    unverified: key.unverified,
  };
}

/** A key that appeared (added, imported) or went away (deleted). */
export function keyAppeared(action: Extract<AuditAction, "key.added" | "key.imported">, key: KeyRecord): AuditChange {
  return { action, target: keyTarget(key), before: null, after: keySnapshot(key) };
}

export function keyDeleted(key: KeyRecord): AuditChange {
  return { action: "key.deleted", target: keyTarget(key), before: keySnapshot(key), after: null };
}

/** A stored key changed: one entry per aspect that changed (renamed, expiry, options, revoked, verified). */
export function keyChanges(before: KeyRecord, after: KeyRecord): AuditChange[] {
  return aspectChanges(keySnapshot(before), keySnapshot(after), keyTarget(after), keyOwnerFields, [
    [["comment"], () => "key.renamed"],
    [["expiresAt"], () => "key.expiry_changed"],
    [["sshOptions"], () => "key.options_changed"],
    [["revokedAt", "revokedReason"], () => "key.revoked"],
    [["unverified"], () => "key.verified"],
  ]);
}

/** User → User.id, named by the username. */
function userTarget(user: Pick<UserRecord, "id" | "username">): AuditChange["target"] {
  return { type: "user", id: user.id, name: user.username };
}

function userSnapshot(user: UserRecord): Record<string, unknown> {
  return {
    username: user.username,
    isAdmin: user.isAdmin,
    disabled: user.disabled,
    requireUserVerification: user.requireUserVerification,
    origin: user.origin,
    email: user.email,
  };
}

export function userCreated(user: UserRecord): AuditChange {
  return { action: "user.created", target: userTarget(user), before: null, after: userSnapshot(user) };
}

export function userDeleted(user: UserRecord, keyCount: number): AuditChange {
  return { action: "user.deleted", target: userTarget(user), before: { ...userSnapshot(user), keyCount }, after: null };
}

/** A user's flags changed: promoted/demoted, disabled/enabled, or other settings, one entry each. */
export function userChanges(before: UserRecord, after: UserRecord): AuditChange[] {
  return aspectChanges(
    userSnapshot(before),
    userSnapshot(after),
    userTarget(after),
    ["username"],
    [
      [["isAdmin"], (now) => (now ? "user.promoted" : "user.demoted")],
      [["disabled"], (now) => (now ? "user.disabled" : "user.enabled")],
      [["requireUserVerification"], () => "user.changed"],
      [["email"], () => "user.changed"],
    ],
  );
}

/** A trusted certificate authority, by its name (the CLI's and console's handle). */
function authorityTarget(ca: Pick<CertificateAuthorityRecord, "id" | "name">): AuditChange["target"] {
  return { type: "ca", id: ca.id, name: ca.name };
}

/** One change per aspect whose first field differs, named by its action (which may depend on the new value). */
function aspectChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  target: AuditChange["target"],
  keep: readonly string[],
  aspects: [fields: [string, ...string[]], action: (value: unknown) => AuditAction][],
): AuditChange[] {
  return aspects
    .filter(([[field]]) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
    .map(([fields, action]) => ({
      action: action(after[fields[0]]),
      target,
      before: pick(before, [...keep, ...fields]),
      after: pick(after, [...keep, ...fields]),
      keep,
    }));
}

function pick(from: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, from[f]]));
}

function authoritySnapshot(ca: CertificateAuthorityRecord): Record<string, unknown> {
  return { type: ca.type, fingerprint: ca.fingerprintSha256, principalMap: ca.principalMap, revokedAt: iso(ca.revokedAt) };
}

export function authorityTrusted(ca: CertificateAuthorityRecord): AuditChange {
  return { action: "ca.trusted", target: authorityTarget(ca), before: null, after: authoritySnapshot(ca) };
}

export function authorityRemoved(ca: CertificateAuthorityRecord): AuditChange {
  return { action: "ca.removed", target: authorityTarget(ca), before: authoritySnapshot(ca), after: null };
}

/** The whole CA revoked (`revokeAll`). */
export function authorityRevoked(before: CertificateAuthorityRecord, after: CertificateAuthorityRecord): AuditChange {
  return { action: "ca.revoked", target: authorityTarget(after), before: { revokedAt: iso(before.revokedAt) }, after: { revokedAt: iso(after.revokedAt) } };
}

/** Some of a CA's certificates revoked: `match` says which (serial, key id or key fingerprint). */
export function certificatesRevoked(ca: CertificateAuthorityRecord, match: Record<string, unknown>, reason: string | null | undefined): AuditChange {
  return { action: "ca.certificate_revoked", target: authorityTarget(ca), before: null, after: { ...match, reason: reason ?? null } };
}

/** A JWKS URL trusted for a user's JWTs, named by its URL, with its owner. */
export function jwksChange(action: "jwks.added" | "jwks.removed", endpoint: JwksEndpointRecord): AuditChange {
  const snapshot = { owner: endpoint.username, ownerId: endpoint.userId, url: endpoint.url };
  return {
    action,
    target: { type: "jwks", id: endpoint.id, name: endpoint.url },
    before: action === "jwks.removed" ? snapshot : null,
    after: action === "jwks.added" ? snapshot : null,
  };
}

/** How a console session began: a one-time link, or the app's own login (resolveUser). */
export type SignInMethod = "link" | "resolveUser";

/** A console sign-in, sign-out, or a sign-in link handed out (by a JWT proof, or the CLI's console-link); never the secret. */
export function sessionChange(
  action: Extract<AuditAction, "session.sign_in" | "session.sign_out" | "session.link_issued">,
  user: Pick<UserRecord, "id" | "username">,
  after: { method: SignInMethod | "jwt" | "cli" | "logout"; expiresAt?: Date | undefined },
): AuditChange {
  return { action, target: userTarget(user), before: null, after: { method: after.method, ...(after.expiresAt ? { expiresAt: iso(after.expiresAt) } : {}) } };
}
