// Request schemas of the admin API: what each route accepts in its body, query, params and
// cursors. The routes parse with these and the console builds its requests from their types.
// Bundled into the console's type-check: only zod, nothing from Node.
import { z } from "zod";
import { keyStatuses } from "../core/key-state.js";
import { keySortColumns } from "../core/key-sort.js";
import { isScopeName, maxRateCount, maxRateWindowSeconds, maxScopesPerKey } from "../core/key-limits.js";
import { eventOutcomes } from "./responses.js";

// The instants both databases store and order correctly: SQLite keeps a DateTime as ISO text,
// which sorts by time only for four-digit years; PostgreSQL has no year 0 and its timestamp
// range ends long before a JavaScript Date's. Anything outside would reach the database as an
// error, i.e. a 500.
const earliestStorable = Date.parse("0001-01-01T00:00:00.000Z");
const latestStorable = Date.parse("9999-12-31T23:59:59.999Z");
const storableTime = z.number().int().min(earliestStorable).max(latestStorable);

const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date());
/** An ISO date or date-time, as a Date, within years 0001–9999 UTC. */
const dateInput = isoDate
  .transform((value) => new Date(value))
  .refine((date) => storableTime.safeParse(date.getTime()).success, { message: "the date must fall within the years 0001–9999 (UTC)" });

// No field here ever holds a control character, and PostgreSQL text cannot hold NUL at all:
// one reaching a query or an insert fails there, i.e. a 500. Names, ids and searches are one
// line; comments and reasons follow the key paste's rule (tab and line breaks allowed).
const anyControl = /[\u0000-\u001f\u007f]/;
const controlExceptWhitespace = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const noControl = { message: "must not contain control characters" };
/** One line of text: names, ids, search terms. */
const line = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !anyControl.test(s), noControl);
/** Free text a person typed: comments, revocation reasons. */
const prose = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !controlExceptWhitespace.test(s), noControl);

const limit = z.coerce.number().int().min(1).max(200).default(50);
// A cursor holds the last row's sort value: up to a 200-character comment, base64url JSON.
const cursor = z.string().max(2000).optional();
const search = line(200).optional();
const username = line(64).min(1);

const keyOrigins = ["upload", "import", "ldap"] as const;

/** What every key listing (a page, the CSV export) filters and sorts by. */
const keyFilterQuery = z.object({
  /**
   * Text in the comment, fingerprints, type or (admins) owner; or a key's identity: a
   * `SHA256:…` or `MD5:…` fingerprint, bare MD5 hex with colons, or a whole public key line,
   * which match exactly that key. Long enough for an RSA key's line.
   */
  q: line(8192).optional(),
  user: username.optional(),
  status: z.enum(keyStatuses).optional(),
  type: line(64).min(1).optional(),
  origin: z.enum(keyOrigins).optional(),
  /** Last sign-in before / at or after this instant (keys never used match neither). */
  lastUsedBefore: dateInput.optional(),
  lastUsedAfter: dateInput.optional(),
  sort: z.enum(keySortColumns).default("created"),
  order: z.enum(["asc", "desc"]).default("desc"),
});

export const keyListQuery = keyFilterQuery.extend({ cursor, limit: z.coerce.number().int().min(1).max(500).default(50) });
export const keyExportQuery = keyFilterQuery;

/** Revoke many keys with one reason (admins): each id's outcome is reported on its own. */
export const keyBulkRevokeBody = z.strictObject({
  ids: z.array(line(64).min(1)).min(1).max(500),
  reason: prose(500).optional(),
});

/** `username`: the account the keys are for (an admin adding for someone), so the preview can say which are already on it. */
export const keyPreviewBody = z.strictObject({ text: z.string().max(60_000), username: username.optional() });

export const keyAddBody = z.strictObject({
  text: z.string().min(1).max(60_000),
  comment: prose(200).optional(),
  expiresAt: dateInput.nullable().optional(),
  username: username.optional(),
  /**
   * Only these entries of the text (by the line the preview gave), each with its own name: the
   * rest is skipped, so a paste with some bad lines can still add its good keys.
   */
  select: z
    .array(z.strictObject({ line: z.number().int().positive(), comment: prose(200).optional() }))
    .min(1)
    .max(500)
    .optional(),
});

/** A key's scopes (core/key-limits.ts): null makes it unrestricted, [] lets it pass no scoped route. */
const keyScopes = z
  .array(z.string().max(64).refine(isScopeName, { message: "a scope name is 1 to 64 of a-z 0-9 : . _ -" }))
  .max(maxScopesPerKey, { message: `a key carries at most ${maxScopesPerKey} scopes` });
/** Sign-ins per window; null: no limit of its own. */
const keyRateLimit = z.strictObject({
  count: z.number().int().min(1).max(maxRateCount),
  windowSeconds: z.number().int().min(1).max(maxRateWindowSeconds),
});

export const keyPatchBody = z
  .strictObject({
    comment: prose(200).optional(),
    expiresAt: dateInput.nullable().optional(),
    /** authorized_keys options replacing the key's (`from="10.0.0.0/8",no-pty`); null or "" clears them. */
    sshOptions: line(4096).nullable().optional(),
    /** Administrators only: the key's scopes and rate limit. */
    scopes: keyScopes.nullable().optional(),
    rateLimit: keyRateLimit.nullable().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: "give comment, expiresAt, sshOptions, scopes and/or rateLimit",
  });

export const keyRevokeBody = z.strictObject({ reason: prose(500).optional() });

export const keyIdParam = z.object({ id: line(64).min(1) });

export const userListQuery = z.object({ q: search, cursor, limit });

/** A mail address as typed (the store checks its form); null in a PATCH clears it. */
const email = line(254).min(1);
export const userCreateBody = z.strictObject({ username, isAdmin: z.boolean().optional(), email: email.optional() });

export const userPatchBody = z
  .strictObject({
    isAdmin: z.boolean().optional(),
    disabled: z.boolean().optional(),
    requireUserVerification: z.boolean().optional(),
    email: email.nullable().optional(),
  })
  .refine((b) => b.isAdmin !== undefined || b.disabled !== undefined || b.requireUserVerification !== undefined || b.email !== undefined, {
    message: "give isAdmin, disabled, requireUserVerification and/or email",
  });

export const usernameParam = z.object({ username });

/**
 * The audit log's filters: an action (exact, or a prefix ending in "." such as "key."), text in
 * the actor's name, the target by type and id or by its name (a username, a fingerprint), and a
 * time range; `format=csv` exports every matching entry.
 */
export const auditListQuery = z
  .object({
    action: z
      .string()
      .max(64)
      .regex(/^[a-z][a-z_]*(\.([a-z_]+)?)?$/, { message: 'an action such as key.added, or a prefix such as "key."' })
      .optional(),
    actor: line(256).min(1).optional(),
    targetType: line(32).min(1).optional(),
    targetId: line(64).min(1).optional(),
    target: line(2048).min(1).optional(),
    from: dateInput.optional(),
    to: dateInput.optional(),
    cursor,
    limit,
    format: z.enum(["json", "csv"]).default("json"),
  })
  .refine((q) => !q.from || !q.to || q.from.getTime() <= q.to.getTime(), { message: "from must not be after to", path: ["from"] });

/** What the log filters by: part of a username; a key by id, fingerprint or public key line; scheme, outcome, time range. */
const eventFilterQuery = z.object({
  user: line(256).min(1).optional(),
  key: line(8192).min(1).optional(),
  scheme: line(32).min(1).optional(),
  outcome: z.enum(eventOutcomes).optional(),
  from: dateInput.optional(),
  to: dateInput.optional(),
});
/** A range that ends before it starts matches nothing: refused, so the caller learns why the log is empty. */
const fromBeforeTo = <Q extends { from?: Date | undefined; to?: Date | undefined }>(q: Q) => q.from === undefined || q.to === undefined || q.from < q.to;
const fromBeforeToIssue = { message: "From must be before To", path: ["from"] };

export const eventListQuery = eventFilterQuery
  .extend({ cursor, limit: z.coerce.number().int().min(1).max(500).default(50) })
  .refine(fromBeforeTo, fromBeforeToIssue);
export const eventExportQuery = eventFilterQuery.refine(fromBeforeTo, fromBeforeToIssue);

/** A certificate serial as `ssh-keygen -L` prints it: decimal, 0 to 2^64-1 (also what the CLI's --serial takes). */
export const certificateSerial = z
  .string()
  .regex(/^\d{1,20}$/, { message: "must be a decimal number" })
  .refine((s) => BigInt(s) <= 0xffffffffffffffffn, { message: "must be at most 2^64-1" });

/** How a certificate names its user (store/authorities/rules.ts principalMapOf reads the same three forms). */
const principalMap = z.union([
  z.literal("username"),
  z.literal("key-id"),
  z.string().regex(/^extension:[\x21-\x7e]{1,200}$/, "must be username, key-id or extension:NAME"),
]);

const authorityName = line(128)
  .min(1)
  .refine((s) => s.trim() !== "", { message: "must not be blank" });

export const authorityNameParam = z.object({ name: authorityName });

export const authorityAddBody = z.strictObject({
  /** The CA's public key (a .pub line, RFC 4716 or PEM), as a key paste takes it. */
  key: z.string().min(1).max(20_000),
  name: authorityName,
  principalMap: principalMap.default("username"),
});

/** Exactly one of serial, keyId, keyFingerprint or all; a reason only with the first three. */
export const authorityRevokeBody = z
  .strictObject({
    serial: certificateSerial.optional(),
    keyId: line(1024).min(1).optional(),
    keyFingerprint: z
      .string()
      .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, { message: "must be a SHA256:… fingerprint" })
      .optional(),
    all: z.literal(true).optional(),
    reason: prose(500).optional(),
  })
  .refine((b) => [b.serial, b.keyId, b.keyFingerprint, b.all].filter((v) => v !== undefined).length === 1, {
    message: "give exactly one of serial, keyId, keyFingerprint or all",
  })
  // The store keeps a reason with each certificate revocation; a whole CA's revocation is a timestamp only.
  .refine((b) => !(b.all && b.reason !== undefined), { message: "a whole CA's revocation keeps no reason", path: ["reason"] });

/** A JWKS URL as typed; the store checks and normalises it. */
const jwksUrl = line(2048).min(1);
/** A user's JWKS URLs: the signed-in user's own unless an admin names another. */
export const jwksListQuery = z.object({ user: username.optional() });
export const jwksAddBody = z.strictObject({ url: jwksUrl, username: username.optional() });
export const jwksRemoveQuery = z.object({ user: username.optional(), url: jwksUrl });

/** A user's import sources: the signed-in user's own unless an admin names another. */
export const keySourceListQuery = z.object({ user: username.optional() });
/** Import keys from gh:LOGIN, gitlab:[HOST/]LOGIN or a URL (the importer checks it), for the caller or (an admin) another user. */
export const keyImportBody = z.strictObject({ source: line(2048).min(1), username: username.optional() });
/** The armored output of ssh-keygen -Y sign (the verifier reads at most 16 KiB of it). */
export const keyVerifyBody = z.strictObject({
  signature: z
    .string()
    .min(1)
    .max(16 * 1024),
});

/** A user's certificate logins: the signed-in user's own unless an admin names another. */
export const certificateLoginQuery = z.object({ user: username.optional(), cursor, limit });

// Pagination cursors: the sort key of the last row of a page, exactly as the routes give them
// out. Each field is held to what such a row can contain (a storable time, a 32-bit
// autoincrement id, a key id, a username), so a forged cursor is an invalid_cursor, not a query
// the database refuses.
const rowId = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31 - 1);
/**
 * Keys, in the listing's sort: the column and direction (a cursor is only good for the sort that
 * gave it out), the last row's value there (ms for times; null for a key never used or without expiry) and id.
 */
export const keyCursor = z
  .strictObject({
    s: z.enum(keySortColumns),
    o: z.enum(["asc", "desc"]),
    v: z.union([storableTime, line(200), z.null()]),
    i: line(64).min(1),
  })
  .refine((c) => sortValueFits(c.s, c.v), { message: "the value does not fit the sort column", path: ["v"] });

/** What a row can hold in each sort column: a time (null where it may be unset), a 32-bit count, or text. */
function sortValueFits(column: (typeof keySortColumns)[number], value: number | string | null): boolean {
  switch (column) {
    case "created":
      return typeof value === "number";
    case "lastUsed":
    case "expires":
      return value === null || typeof value === "number";
    case "uses":
    case "bits":
      return typeof value === "number" && value >= 0 && value <= 2 ** 31 - 1;
    case "comment":
    case "type":
    case "user":
      return typeof value === "string";
  }
}

/** Events, newest first: at (ms) and the autoincrement id. */
export const eventCursor = z.strictObject({ a: storableTime, i: rowId });
/** Users, by name. */
export const userCursor = z.strictObject({ u: username });
/** Audit entries, newest first: at (ms) and the autoincrement id. */
export const auditCursor = z.strictObject({ a: storableTime, i: rowId });

export type KeyListQuery = z.input<typeof keyListQuery>;
export type KeyAddBody = z.input<typeof keyAddBody>;
export type KeyPatchBody = z.input<typeof keyPatchBody>;
export type UserListQuery = z.input<typeof userListQuery>;
export type UserCreateBody = z.input<typeof userCreateBody>;
export type UserPatchBody = z.input<typeof userPatchBody>;
export type EventListQuery = z.input<typeof eventListQuery>;
export type AuditListQuery = z.input<typeof auditListQuery>;
export type AuthorityAddBody = z.input<typeof authorityAddBody>;
export type AuthorityRevokeBody = z.input<typeof authorityRevokeBody>;
export type CertificateLoginQuery = z.input<typeof certificateLoginQuery>;
export type JwksAddBody = z.input<typeof jwksAddBody>;
export type KeyImportBody = z.input<typeof keyImportBody>;
