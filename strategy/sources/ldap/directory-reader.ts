import { isIP } from "node:net";
import type { Client as LdapClient, Entry } from "ldapts";
import type { LdapSettings } from "./options.js";

/** One user entry as read: its DN, its username values, its key values (raw text). */
export interface LdapUserEntry {
  dn: string;
  usernames: string[];
  keys: string[];
}

/** The directory could not be read completely: the sync must change nothing. */
export class LdapReadError extends Error {
  override readonly name = "LdapReadError";
}

/** More entries than this is a misconfigured base or filter, not a team: refused rather than half-read. */
const maxEntries = 100_000;
const pageSize = 500;

/**
 * Reads every user entry the settings select, in full or not at all: any failure (connect,
 * TLS, bind, size or time limit, a missing group) throws LdapReadError, so a caller never
 * takes a failed search for "every key removed".
 */
export async function readLdapUsers(settings: LdapSettings): Promise<LdapUserEntry[]> {
  const tlsOptions = { minVersion: "TLSv1.2" as const, ...(settings.ca ? { ca: settings.ca } : {}) };
  // ldapts speaks TLS from the first byte whenever tlsOptions are given: only for ldaps://.
  const secure = settings.url.toLowerCase().startsWith("ldaps:");
  // Imported on the first sync: a process without LDAP_URL never loads the client.
  const { Client, escapeFilter } = await import("ldapts");
  const client = new Client({ url: settings.url, timeout: settings.timeoutMs, connectTimeout: settings.timeoutMs, ...(secure ? { tlsOptions } : {}) });
  try {
    if (settings.startTls) {
      // The certificate is checked against `host`; SNI carries host names only (RFC 6066).
      const host = new URL(settings.url).hostname.replace(/^\[(.*)\]$/, "$1");
      await client.startTLS({ ...tlsOptions, host, ...(isIP(host) ? {} : { servername: host }) });
    }
    if (settings.bindDn !== undefined) await client.bind(settings.bindDn, settings.bindPassword);
    const members = settings.groupDn === undefined ? null : await readGroup(client, settings.groupDn, settings.timeoutMs);
    const filter = `(&${escapeFilter`(objectClass=${settings.userObjectClass})`}(${settings.usernameAttribute}=*)${settings.filter ?? ""})`;
    const { searchEntries } = await client.search(settings.baseDn, {
      scope: "sub",
      filter,
      attributes: [settings.usernameAttribute, settings.keyAttribute],
      paged: { pageSize },
      timeLimit: Math.ceil(settings.timeoutMs / 1000),
    });
    if (searchEntries.length > maxEntries)
      throw new LdapReadError(`the search found ${searchEntries.length} entries, more than ${maxEntries}: narrow LDAP_BASE_DN or LDAP_FILTER`);
    const entries = searchEntries.map((entry) => ({
      dn: entry.dn,
      usernames: values(entry, settings.usernameAttribute),
      keys: values(entry, settings.keyAttribute),
    }));
    return members ? entries.filter((entry) => members.dns.has(normalisedDn(entry.dn)) || entry.usernames.some((name) => members.uids.has(name))) : entries;
  } catch (error) {
    if (error instanceof LdapReadError) throw error;
    throw new LdapReadError(describe(error), { cause: error });
  } finally {
    await client.unbind().catch(() => {});
  }
}

/** A group's members: by uid (posixGroup memberUid, as crtauth reads them) or by DN (member, uniqueMember). */
async function readGroup(client: LdapClient, groupDn: string, timeoutMs: number): Promise<{ uids: Set<string>; dns: Set<string> }> {
  const { searchEntries } = await client.search(groupDn, {
    scope: "base",
    attributes: ["memberUid", "member", "uniqueMember"],
    timeLimit: Math.ceil(timeoutMs / 1000),
  });
  const group = searchEntries[0];
  if (!group) throw new LdapReadError(`the group ${groupDn} was not found`);
  // uniqueMember may carry an optional "#'…'B" UID suffix (RFC 4519): the DN is before it.
  const dns = [...values(group, "member"), ...values(group, "uniqueMember").map((dn) => dn.replace(/#'[01]*'B$/, ""))];
  return { uids: new Set(values(group, "memberUid")), dns: new Set(dns.map(normalisedDn)) };
}

/** Enough to compare DNs written by different tools: case and the spaces after separators. */
function normalisedDn(dn: string): string {
  return dn.replace(/\s*([,+=])\s*/g, "$1").toLowerCase();
}

function values(entry: Entry, attribute: string): string[] {
  // ldapts keys attributes as the server spells them; the configured name may differ in case.
  const key = Object.keys(entry).find((name) => name.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? [] : entry[key];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => (typeof v === "string" ? v : v.toString("utf8")));
}

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string; code?: string };
  if (e.code === "ECONNREFUSED") return "the LDAP server refused the connection";
  if (e.name === "InvalidCredentialsError") return "the LDAP server refused the bind DN and password";
  if (e.name === "SizeLimitExceededError") return "the LDAP server's size limit cut the search short";
  if (e.name === "TimeLimitExceededError") return "the LDAP search took too long";
  if (e.name === "NoSuchObjectError") return `the LDAP base or group DN does not exist (${e.message ?? ""})`;
  return `LDAP: ${e.message ?? String(error)}`;
}
