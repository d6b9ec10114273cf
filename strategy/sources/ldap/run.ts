import { auditedDirectory } from "../../audit/audited-directory.js";
import { AuditRecorder, systemOrigin } from "../../audit/recorder.js";
import type { SshKeyStore } from "../../store/ports.js";
import { LdapReadError, readLdapUsers } from "./directory-reader.js";
import { ldapSettings, type LdapOptions } from "./options.js";
import { readLdapStatus, recordLdapFailure, recordLdapSuccess } from "./status.js";
import { syncLdapUsers, type LdapSyncReport } from "./sync.js";

export type LdapSyncOutcome = { ok: true; report: LdapSyncReport } | { ok: false; error: string };

export interface LdapSyncOptions {
  /** With `audit`, every change the sync makes is recorded as the system actor "ldap". */
  store: Pick<SshKeyStore, "directory" | "settings"> & Partial<Pick<SshKeyStore, "audit">>;
  ldap: LdapOptions;
  now?: (() => number) | undefined;
}

/**
 * One sync: reads the directory, then applies it to the store, and records the outcome where
 * `ldap status` and the console read it. A directory that cannot be read changes nothing
 * (the error is recorded and answered); a store that fails throws.
 *
 * @example
 * const outcome = await runLdapSync({ store, ldap: { url: "ldaps://ldap.example.com", baseDn: "ou=people,dc=example,dc=com" } });
 * if (!outcome.ok) console.error(outcome.error);
 */
export async function runLdapSync(options: LdapSyncOptions): Promise<LdapSyncOutcome> {
  const settings = ldapSettings(options.ldap);
  const now = options.now ?? Date.now;
  const { settings: stored, audit } = options.store;
  const directory = audit ? auditedDirectory(options.store.directory, new AuditRecorder(audit, now), systemOrigin("ldap")) : options.store.directory;
  let entries;
  try {
    entries = await readLdapUsers(settings);
  } catch (error) {
    if (!(error instanceof LdapReadError)) throw error;
    await recordLdapFailure(stored, new Date(now()), error.message);
    return { ok: false, error: error.message };
  }
  const disabledBySync = new Set((await readLdapStatus(stored))?.disabledBySync ?? []);
  const report = await syncLdapUsers(directory, entries, disabledBySync);
  await recordLdapSuccess(stored, new Date(now()), report, disabledBySync);
  return { ok: true, report };
}
