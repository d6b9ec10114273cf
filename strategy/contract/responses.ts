// Response schemas of the admin API: what every route answers. The routes build their answers
// typed against z.input of these (Dates allowed), the console reads z.output (ISO strings), so a
// field renamed on one side fails the other's build. Only zod and the key-state table: the
// console type-checks this file.
import { z } from "zod";
import { keyStatuses } from "../core/key-state.js";

/** An instant: a Date on the server, the ISO string JSON turns it into on the wire. */
const instant = z.union([z.iso.datetime(), z.date().transform((date) => date.toISOString())]);

/** Why the codec refuses a key (a paste entry, or a stored key that can no longer sign in). */
const KeyProblemJson = z.strictObject({ code: z.string(), message: z.string() });

/** What a security key (sk-*) adds: the FIDO application, what its signatures must carry, its counter. */
const SecurityKeyJson = z.strictObject({
  application: z.string(),
  /** Every signature needs a touch (false: added with no-touch-required). */
  touchRequired: z.boolean(),
  /** Every signature needs the PIN or a biometric (added with verify-required). */
  verifyRequired: z.boolean(),
  /** The largest signature counter accepted so far; null before the first sign-in. */
  signCounter: z.number().int().nullable(),
});

/**
 * One authorized_keys option a key was stored with. `from=` is enforced on HTTP sign-in too;
 * every other option applies to sshd only (the directory serves them in authorized-keys).
 */
const KeyOptionJson = z.strictObject({ name: z.string(), value: z.string().nullable(), enforcedOnHttp: z.boolean() });

/** A stored key: public material and metadata only. */
export const KeyJson = z.strictObject({
  id: z.string(),
  username: z.string(),
  type: z.string(),
  bits: z.number().int(),
  openssh: z.string(),
  fingerprintSha256: z.string(),
  /** "MD5:" and the colon-separated hex. */
  fingerprintMd5: z.string(),
  kid: z.string(),
  comment: z.string(),
  createdAt: instant,
  expiresAt: instant.nullable(),
  lastUsedAt: instant.nullable(),
  lastUsedIp: z.string().nullable(),
  lastUsedScheme: z.string().nullable(),
  useCount: z.number().int(),
  revokedAt: instant.nullable(),
  revokedReason: z.string().nullable(),
  status: z.enum(keyStatuses),
  /** Set when the server refuses this stored key at sign-in (e.g. a weak Ed25519 point). */
  problem: KeyProblemJson.nullable(),
  /** Null for plain keys. */
  securityKey: SecurityKeyJson.nullable(),
  /** The authorized_keys options text, canonical; null when none. */
  sshOptions: z.string().nullable(),
  /** The same options one by one. */
  options: z.array(KeyOptionJson),
  /** Where the key came from; ldap keys are read-only here (revoke only). */
  origin: z.enum(["upload", "import", "ldap"]),
  /** The LDAP entry's DN, an import's source; null for uploads. */
  originRef: z.string().nullable(),
  /** The import source that keeps it in step; null for uploads, LDAP, or once the source was removed. */
  sourceId: z.string().nullable(),
  /** Imported and not yet proven held by its owner: it never signs in and is never published until verified. */
  unverified: z.boolean(),
  verifiedAt: instant.nullable(),
  /** The scopes the key may be used for (sorted); null: unrestricted. */
  scopes: z.array(z.string()).nullable(),
  /** Sign-ins per window; null: no limit of its own. */
  rateLimit: z.strictObject({ count: z.number().int(), windowSeconds: z.number().int() }).nullable(),
  /** Consecutive refused attempts naming the key since its last success. */
  failedAttempts: z.number().int(),
  /** Locked after failed attempts until then; null: not locked. */
  lockedUntil: instant.nullable(),
  /** The key policy's rules this key breaks now, as sentences (listing and detail; empty elsewhere and when none). */
  policyBreaks: z.array(z.string()),
});

/** One key of a paste, as POST /api/keys/preview (and a refused POST /api/keys) reports it. */
export const PreviewEntryJson = z.discriminatedUnion("ok", [
  z.strictObject({
    ok: z.literal(true),
    line: z.number().int(),
    type: z.string(),
    bits: z.number().int(),
    fingerprintSha256: z.string(),
    fingerprintMd5: z.string(),
    kid: z.string(),
    comment: z.string(),
    openssh: z.string(),
    securityKey: SecurityKeyJson.omit({ signCounter: true }).nullable(),
    /** The options the line came with and that are stored with the key (see KeyJson), and its expiry-time. */
    sshOptions: z.string().nullable(),
    options: z.array(KeyOptionJson),
    expiryTime: instant.nullable(),
    /**
     * Already stored: on the account the keys are for ("this", with the key's name there), or on
     * another ("other"; `holder` named to administrators only). Such a key cannot be added again.
     */
    registered: z
      .strictObject({ account: z.enum(["this", "other"]), name: z.string().nullable(), holder: z.string().nullable() })
      .nullable()
      .optional(),
    /** The key policy's rules this key breaks for the account it is for: such a key cannot be added. */
    policyBreaks: z.array(z.string()).optional(),
  }),
  z.strictObject({ ok: z.literal(false), line: z.number().int(), problem: KeyProblemJson }),
]);

/** "alarm": a warning beside an attempt's own event (a security key's signature counter went backwards). */
export const eventOutcomes = ["success", "failure", "alarm"] as const;

/** One sign-in attempt with a key, as the key's page lists it. */
export const KeyEventJson = z.strictObject({
  id: z.number().int(),
  at: instant,
  scheme: z.string(),
  outcome: z.enum(eventOutcomes),
  errorCode: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});

/**
 * A key's sign-ins on one UTC day (YYYY-MM-DD): successes, and refusals after its signature
 * verified. The key's page gets the last 30 days, oldest first, days without use as zeros.
 */
const KeyUsageDayJson = z.strictObject({
  day: z.string(),
  successes: z.number().int(),
  failures: z.number().int(),
});

/**
 * The OpenSSH certificate an attempt was made with, as far as it was read: the CA (null when it
 * was not trusted; its name null once removed), the serial (decimal), the key id, and the
 * principal that named the user (null unless the mapping was checked).
 */
const EventCertificateJson = z.strictObject({
  caId: z.string().nullable(),
  caName: z.string().nullable(),
  serial: z.string().nullable(),
  keyId: z.string().nullable(),
  principal: z.string().nullable(),
});

/** One entry of the authentication log: a key event plus who it claimed and which key (or certificate) it used. */
export const AuthEventJson = KeyEventJson.extend({
  username: z.string().nullable(),
  userId: z.string().nullable(),
  keyId: z.string().nullable(),
  keyFingerprint: z.string().nullable(),
  keyComment: z.string().nullable(),
  /** Null for an attempt with a plain key. */
  certificate: EventCertificateJson.nullable(),
  /** The JWKS URL and kid of a key read from a JWKS a user trusts; null otherwise. */
  jwks: z.strictObject({ url: z.string(), kid: z.string() }).nullable(),
});

/** A trusted OpenSSH certificate authority. */
export const AuthorityJson = z.strictObject({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  openssh: z.string(),
  fingerprintSha256: z.string(),
  principalMap: z.string(),
  createdAt: instant,
  lastUsedAt: instant.nullable(),
  /** The whole CA is revoked: none of its certificates signs in. */
  revokedAt: instant.nullable(),
  /** Revocations of some of its certificates (by serial, key id or certified key). */
  revocationCount: z.number().int(),
});

/** A JWKS URL whose keys sign JWTs in as its user, with its last use and last fetch. */
export const JwksEndpointJson = z.strictObject({
  id: z.string(),
  username: z.string(),
  url: z.string(),
  createdAt: instant,
  lastUsedAt: instant.nullable(),
  lastFetchedAt: instant.nullable(),
  /** Why the last fetch failed; null when it succeeded (or none ran yet). */
  lastFetchError: z.string().nullable(),
});

/** Where a user's keys are imported from (gh:LOGIN, gitlab:HOST/LOGIN, a URL), with its last sync. */
export const KeySourceJson = z.strictObject({
  id: z.string(),
  username: z.string(),
  kind: z.enum(["github", "gitlab", "url"]),
  ref: z.string(),
  url: z.string(),
  createdAt: instant,
  lastSyncedAt: instant.nullable(),
  /** Why the last sync failed; null when it succeeded (or none ran yet). */
  lastError: z.string().nullable(),
  /** Upstream rate-limited us: no fetch before then. */
  retryAfter: instant.nullable(),
});

/** What an import or a sync did. */
export const KeySyncReportJson = z.strictObject({
  source: KeySourceJson,
  /** Stored unverified. */
  added: z.array(KeyJson),
  /** Gone upstream, revoked here. */
  revoked: z.array(KeyJson),
  unchanged: z.number().int(),
  /** Listed keys not added: one of the user's already, or another user's (named to administrators only). */
  skipped: z.array(z.strictObject({ fingerprintSha256: z.string(), reason: z.enum(["yours", "another_user"]), holder: z.string().optional() })),
  /** Lines that are not acceptable keys. */
  refused: z.array(z.strictObject({ line: z.number().int(), code: z.string(), message: z.string() })),
  /** Some lines were not keys at all, so no key was revoked. */
  removalsHeld: z.boolean(),
});

/** What the owner of an unverified key signs, and the command that signs it. */
export const KeyChallengeResponse = z.strictObject({ challenge: z.string(), namespace: z.string(), command: z.string() });

/** The one user shape. */
export const UserJson = z.strictObject({
  id: z.string(),
  username: z.string(),
  isAdmin: z.boolean(),
  disabled: z.boolean(),
  /** Security-key signatures must carry the user-verified (PIN) flag. */
  requireUserVerification: z.boolean(),
  createdAt: instant,
  /** "ldap": created and kept in step by the LDAP sync. */
  origin: z.enum(["local", "ldap"]),
  /** Where notifications are mailed; null: none. */
  email: z.string().nullable(),
});

/** A user as the user list shows it. */
export const UserWithKeyCountJson = UserJson.extend({ keyCount: z.number().int() });

/** A page of a list and the cursor of the next one (null on the last page). */
function page<Name extends string, Item extends z.ZodType>(name: Name, item: Item) {
  return z.strictObject({ [name]: z.array(item), nextCursor: z.string().nullable() } as { [K in Name]: z.ZodArray<Item> } & {
    nextCursor: z.ZodNullable<z.ZodString>;
  });
}

const KeyPageJson = page("keys", KeyJson);
export const UserPageJson = page("users", UserWithKeyCountJson);
export const AuthEventPageJson = page("events", AuthEventJson);

/** How many keys match the filter, and how many of them (ignoring its status) are in each state. */
const KeyTotalsJson = z.strictObject({
  matching: z.number().int(),
  byStatus: z.strictObject(Object.fromEntries(keyStatuses.map((s) => [s, z.number().int()])) as Record<(typeof keyStatuses)[number], z.ZodNumber>),
});
/** The key listing: a page, the totals, and whether the search named one key (a fingerprint or a public key). */
export const KeyInventoryJson = KeyPageJson.extend({ totals: KeyTotalsJson, identity: z.boolean() });

/** Why a filter can match nothing (no such user, no key with that fingerprint), to show beside the empty list. */
const FilterNoticeJson = z.strictObject({ filter: z.string(), message: z.string() });
/** The log: a page of events with the words for each code, the totals by outcome, and the filters that cannot match. */
export const AuthLogJson = z.strictObject({
  events: z.array(AuthEventJson.extend({ reason: z.string().nullable() })),
  nextCursor: z.string().nullable(),
  totals: z.strictObject({
    matching: z.number().int(),
    byOutcome: z.strictObject(Object.fromEntries(eventOutcomes.map((o) => [o, z.number().int()])) as Record<(typeof eventOutcomes)[number], z.ZodNumber>),
  }),
  notices: z.array(FilterNoticeJson),
});

/** What a bulk revocation did to each key named: revoked, already revoked, or not found. */
export const KeyBulkRevokeResponse = z.strictObject({
  results: z.array(
    z.strictObject({
      id: z.string(),
      outcome: z.enum(["revoked", "already_revoked", "not_found"]),
      key: KeyJson.nullable(),
    }),
  ),
});
/** Who made a change: a console user, the CLI (the OS user), or a job of the server. */
const AuditActorJson = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("user"), id: z.string(), name: z.string() }),
  z.strictObject({ type: z.literal("cli"), name: z.string() }),
  z.strictObject({ type: z.literal("system"), name: z.string() }),
]);

/** One audit entry: the fields that changed, before (null: created) and after (null: deleted). */
export const AuditEntryJson = z.strictObject({
  id: z.number().int(),
  at: instant,
  actor: AuditActorJson,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  action: z.string(),
  /** The action as people read it (strategy/contract/audit-actions.ts). */
  label: z.string(),
  target: z.strictObject({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});

export const AuditPageJson = page("entries", AuditEntryJson);

export const KeyPreviewResponse = z.strictObject({ keys: z.array(PreviewEntryJson) });
export const KeysAddedResponse = z.strictObject({ keys: z.array(KeyJson) });
export const KeyDetailResponse = z.strictObject({ key: KeyJson, events: z.array(KeyEventJson), usage: z.array(KeyUsageDayJson) });
export const KeyResponse = z.strictObject({ key: KeyJson });
export const KeyDeletedResponse = z.strictObject({ deleted: z.literal(true), id: z.string() });
export const AuthorityListResponse = z.strictObject({ authorities: z.array(AuthorityJson) });
export const AuthorityResponse = z.strictObject({ authority: AuthorityJson });
export const AuthorityRemovedResponse = z.strictObject({ deleted: z.literal(true), name: z.string() });
export const JwksEndpointListResponse = z.strictObject({ endpoints: z.array(JwksEndpointJson) });
export const JwksEndpointResponse = z.strictObject({ endpoint: JwksEndpointJson });
export const JwksEndpointRemovedResponse = z.strictObject({ deleted: z.literal(true), url: z.string() });
export const KeySourceListResponse = z.strictObject({ sources: z.array(KeySourceJson) });
export const KeySourceRemovedResponse = z.strictObject({ deleted: z.literal(true), id: z.string() });
export const UserResponse = z.strictObject({ user: UserJson });
export const UserCreatedResponse = z.strictObject({ user: UserWithKeyCountJson });

/** GET /api/me: who is signed in, the CSRF token for mutating calls, and the session's deadlines. */
export const MeResponse = z.strictObject({
  user: UserJson,
  isAdmin: z.boolean(),
  csrfToken: z.string(),
  session: z.strictObject({ createdAt: instant, expiresAt: instant, idleExpiresAt: instant }),
});

export const SignInLinkResponse = z.strictObject({ link: z.string(), expiresAt: instant, username: z.string() });
/** GET /api/ldap/status: the last LDAP sync (null: it never ran, or LDAP_URL is unset). */
export const LdapStatusResponse = z.strictObject({
  status: z
    .strictObject({
      lastRunAt: instant,
      lastError: z.string().nullable(),
      lastSuccessAt: instant.nullable(),
      entries: z.number().int().nullable(),
      added: z.number().int().nullable(),
      removed: z.number().int().nullable(),
      skipped: z.array(z.strictObject({ dn: z.string(), username: z.string().nullable(), reason: z.string() })),
    })
    .nullable(),
});
export const LogoutResponse = z.strictObject({ ok: z.literal(true) });
/** GET /api/setup, without a session: whether the console has an (enabled) administrator yet, so the signed-out page can say how to create the first. */
export const SetupResponse = z.strictObject({ adminExists: z.boolean() });

export type Key = z.output<typeof KeyJson>;
export type PreviewEntry = z.output<typeof PreviewEntryJson>;
export type KeyEvent = z.output<typeof KeyEventJson>;
export type KeyUsageDay = z.output<typeof KeyUsageDayJson>;
export type AuthEvent = z.output<typeof AuthEventJson>;
export type AuthLogEvent = z.output<typeof AuthLogJson>["events"][number];
export type KeyTotals = z.output<typeof KeyTotalsJson>;
export type AuthLogTotals = z.output<typeof AuthLogJson>["totals"];
export type FilterNotice = z.output<typeof FilterNoticeJson>;
export type KeyBulkRevokeResult = z.output<typeof KeyBulkRevokeResponse>["results"][number];
export type AuditLogEntry = z.output<typeof AuditEntryJson>;
export type User = z.output<typeof UserJson>;
export type Authority = z.output<typeof AuthorityJson>;
export type JwksEndpoint = z.output<typeof JwksEndpointJson>;
export type KeySource = z.output<typeof KeySourceJson>;
export type KeySyncReport = z.output<typeof KeySyncReportJson>;
export type KeyChallenge = z.output<typeof KeyChallengeResponse>;
export type UserWithKeyCount = z.output<typeof UserWithKeyCountJson>;
export type Me = z.output<typeof MeResponse>;
export type Setup = z.output<typeof SetupResponse>;
export type LdapStatus = z.output<typeof LdapStatusResponse>["status"];
