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
