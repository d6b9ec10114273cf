// Apart from options.ts: `--help` lists these, and options.ts imports zod, which every CLI start
// would then load.
/** The variables ldapOptionsFromEnv reads, with what they mean (for `--help` and the README). */
export const ldapEnvironmentVariables: readonly [name: string, meaning: string][] = [
  ["LDAP_URL", "LDAP key source: ldap://HOST[:PORT] or ldaps://HOST[:PORT]; serve syncs users and keys from it when set"],
  ["LDAP_BASE_DN", "LDAP: where user entries are searched (subtree)"],
  ["LDAP_BIND_DN", "LDAP: DN to bind as (unset: anonymous)"],
  ["LDAP_BIND_PASSWORD", "LDAP: its password (or LDAP_BIND_PASSWORD_FILE: a file holding it)"],
  ["LDAP_STARTTLS", "LDAP: 1 upgrades ldap:// with StartTLS before binding"],
  ["LDAP_CA_FILE", "LDAP: PEM file of the CAs that sign the server's certificate"],
  ["LDAP_ALLOW_PLAINTEXT", "LDAP: 1 allows ldap:// without TLS to a host that is not loopback"],
  ["LDAP_KEY_ATTRIBUTE", "LDAP: attribute holding the keys (default sshPublicKey)"],
  ["LDAP_USER_OBJECT_CLASS", "LDAP: object class of user entries (default posixAccount)"],
  ["LDAP_USERNAME_ATTRIBUTE", "LDAP: attribute holding the username (default uid)"],
  ["LDAP_GROUP_DN", "LDAP: only members of this group (memberUid, member or uniqueMember)"],
  ["LDAP_FILTER", "LDAP: a filter ANDed to the user search, e.g. (memberOf=cn=ssh,ou=groups,dc=example,dc=com)"],
  ["LDAP_REFRESH_SECONDS", "LDAP: seconds between syncs (default 60): a key removed from LDAP stops within it"],
];
