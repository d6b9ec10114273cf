/**
 * Where a key came from, in the words the CLI's SOURCE column and the console's Source badge
 * use: "uploaded", or its provenance as stored (gh:alice, gitlab:host/alice, a URL, an LDAP DN).
 * Pure: the console bundles this file.
 */
export function keyOriginLabel(key: { origin: string; originRef: string | null }): string {
  if (key.origin === "upload") return "uploaded";
  if (key.origin === "ldap") return key.originRef ? `LDAP ${key.originRef}` : "LDAP";
  return key.originRef ?? key.origin;
}

/** Why an LDAP key may not be renamed, re-dated or deleted here: the next sync would undo it. Revoking sticks. */
export const ldapManagedKeyMessage = "this key comes from LDAP: change or remove it there (it can be revoked here)";
