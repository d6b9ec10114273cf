import fs from "node:fs";
import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";

export interface LdapOptions {
  /** ldap://HOST[:PORT] or ldaps://HOST[:PORT]. */
  url: string;
  /** Where the user entries are searched (the whole subtree). */
  baseDn: string;
  /** Simple bind; unset: anonymous. */
  bindDn?: string | undefined;
  bindPassword?: string | undefined;
  /** Upgrade an ldap:// connection with StartTLS before binding (default false). */
  startTls?: boolean | undefined;
  /** PEM CA certificates that sign the server's certificate (default: Node's CA store). */
  ca?: string | undefined;
  /** Send the bind password in clear over ldap:// to a host that is not loopback (default false: refused). */
  allowPlaintext?: boolean | undefined;
  /** Attribute holding the keys (default sshPublicKey, from the openssh-lpk schema). */
  keyAttribute?: string | undefined;
  /** Object class of user entries (default posixAccount). */
  userObjectClass?: string | undefined;
  /** Attribute holding the username (default uid). */
  usernameAttribute?: string | undefined;
  /** DN of a group (posixGroup memberUid, or groupOfNames member / groupOfUniqueNames uniqueMember): only its members. */
  groupDn?: string | undefined;
  /** An LDAP filter ANDed to the user search, e.g. (memberOf=cn=ssh,ou=groups,dc=example,dc=com). */
  filter?: string | undefined;
  /** Seconds between two syncs (default 60): a key removed from LDAP stops within this, plus a second. */
  refreshSeconds?: number | undefined;
  /** A search slower than this fails, in milliseconds (default 10000). */
  timeoutMs?: number | undefined;
}

const ldapUrl = z.string().refine((url) => /^ldaps?:\/\/[^/?#\s]+\/?$/i.test(url), "expected ldap://HOST[:PORT] or ldaps://HOST[:PORT]");
const attributeName = z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, "expected an LDAP attribute or object class name");
const text = z.string().min(1).max(4096);

const ldapOptionsSchema = z.strictObject({
  url: ldapUrl,
  baseDn: text,
  bindDn: text.optional(),
  bindPassword: z.string().max(4096).optional(),
  startTls: z.boolean().optional(),
  ca: z.string().min(1).optional(),
  allowPlaintext: z.boolean().optional(),
  keyAttribute: attributeName.optional(),
  userObjectClass: attributeName.optional(),
  usernameAttribute: attributeName.optional(),
  groupDn: text.optional(),
  filter: z
    .string()
    .regex(/^\(.*\)$/s, "expected a parenthesised LDAP filter")
    .max(4096)
    .optional(),
  refreshSeconds: z.number().int().min(1).max(86_400).optional(),
  timeoutMs: z.number().int().min(100).max(300_000).optional(),
});

/** The LDAP options with every default applied. */
export interface LdapSettings {
  readonly url: string;
  readonly baseDn: string;
  readonly bindDn: string | undefined;
  readonly bindPassword: string | undefined;
  readonly startTls: boolean;
  readonly ca: string | undefined;
  readonly keyAttribute: string;
  readonly userObjectClass: string;
  readonly usernameAttribute: string;
  readonly groupDn: string | undefined;
  readonly filter: string | undefined;
  readonly refreshMs: number;
  readonly timeoutMs: number;
}

/** Checks the options once; throws TypeError naming the first bad one. */
export function ldapSettings(options: LdapOptions): LdapSettings {
  const o = parseOptions(ldapOptionsSchema, options, "ldap");
  const url = new URL(o.url);
  if (url.protocol === "ldap:" && !o.startTls && !o.allowPlaintext && !isLoopback(url.hostname)) {
    throw new TypeError(`ldap: ${o.url} would send the bind password and every key in clear; use ldaps://, startTls, or allowPlaintext`);
  }
  if (o.startTls && url.protocol === "ldaps:") throw new TypeError("ldap: startTls is for ldap:// URLs; ldaps:// is TLS already");
  if ((o.bindDn === undefined) !== (o.bindPassword === undefined)) throw new TypeError("ldap: bindDn and bindPassword go together");
  return {
    url: o.url,
    baseDn: o.baseDn,
    bindDn: o.bindDn,
    bindPassword: o.bindPassword,
    startTls: o.startTls ?? false,
    ca: o.ca,
    keyAttribute: o.keyAttribute ?? "sshPublicKey",
    userObjectClass: o.userObjectClass ?? "posixAccount",
    usernameAttribute: o.usernameAttribute ?? "uid",
    groupDn: o.groupDn,
    filter: o.filter,
    refreshMs: (o.refreshSeconds ?? 60) * 1000,
    timeoutMs: o.timeoutMs ?? 10_000,
  };
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === "[::1]";
}

/** The LDAP options the environment gives, or null when LDAP_URL is unset. Throws TypeError for a bad value. */
export function ldapOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): LdapOptions | null {
  const value = (name: string) => (env[name]?.trim() ? env[name] : undefined);
  const flag = (name: string) => {
    const given = value(name);
    if (given !== undefined && given !== "0" && given !== "1") throw new TypeError(`${name} must be 0 or 1 (got ${JSON.stringify(given)})`);
    return given === undefined ? undefined : given === "1";
  };
  const url = value("LDAP_URL");
  if (url === undefined) return null;
  const baseDn = value("LDAP_BASE_DN");
  if (baseDn === undefined) throw new TypeError("LDAP_BASE_DN must be set with LDAP_URL");
  const refresh = value("LDAP_REFRESH_SECONDS");
  const refreshSeconds = refresh === undefined ? undefined : Number(refresh);
  if (refreshSeconds !== undefined && !Number.isSafeInteger(refreshSeconds))
    throw new TypeError(`LDAP_REFRESH_SECONDS must be a whole number of seconds (got ${JSON.stringify(refresh)})`);
  const passwordFile = value("LDAP_BIND_PASSWORD_FILE");
  const caFile = value("LDAP_CA_FILE");
  return {
    url,
    baseDn,
    bindDn: value("LDAP_BIND_DN"),
    bindPassword: passwordFile ? readSetting(passwordFile, "LDAP_BIND_PASSWORD_FILE").replace(/\r?\n$/, "") : env.LDAP_BIND_PASSWORD || undefined,
    startTls: flag("LDAP_STARTTLS"),
    ca: caFile ? readSetting(caFile, "LDAP_CA_FILE") : undefined,
    allowPlaintext: flag("LDAP_ALLOW_PLAINTEXT"),
    keyAttribute: value("LDAP_KEY_ATTRIBUTE"),
    userObjectClass: value("LDAP_USER_OBJECT_CLASS"),
    usernameAttribute: value("LDAP_USERNAME_ATTRIBUTE"),
    groupDn: value("LDAP_GROUP_DN"),
    filter: value("LDAP_FILTER"),
    refreshSeconds,
  };
}

function readSetting(file: string, name: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new TypeError(`${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
