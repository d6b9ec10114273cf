import type { SettingsStore } from "../../store/ports.js";
import type { LdapSyncReport } from "./sync.js";

/** What the last LDAP sync did, shared by every instance through the settings table. */
export interface LdapSyncStatus {
  lastRunAt: string;
  /** Null: the last run succeeded. */
  lastError: string | null;
  lastSuccessAt: string | null;
  /** Of the last successful run. */
  counts: { entries: number; added: number; removed: number; skipped: number; createdUsers: number; disabledUsers: number; enabledUsers: number } | null;
  /** The first skipped items of the last successful run. */
  skipped: LdapSyncReport["skipped"];
  /** Users the sync disabled because LDAP no longer lists them: it re-enables only these. */
  disabledBySync: string[];
}

const statusKey = "ldap.sync-status";
const maxSkippedKept = 50;

export async function readLdapStatus(settings: SettingsStore): Promise<LdapSyncStatus | null> {
  const text = await settings.read(statusKey);
  if (text === null) return null;
  try {
    return JSON.parse(text) as LdapSyncStatus;
  } catch {
    return null;
  }
}

export async function recordLdapSuccess(settings: SettingsStore, at: Date, report: LdapSyncReport, disabledBySync: Set<string>): Promise<LdapSyncStatus> {
  const status: LdapSyncStatus = {
    lastRunAt: at.toISOString(),
    lastError: null,
    lastSuccessAt: at.toISOString(),
    counts: {
      entries: report.entries,
      added: report.added.length,
      removed: report.removed.length,
      skipped: report.skipped.length,
      createdUsers: report.createdUsers.length,
      disabledUsers: report.disabledUsers.length,
      enabledUsers: report.enabledUsers.length,
    },
    skipped: report.skipped.slice(0, maxSkippedKept),
    disabledBySync: [...disabledBySync],
  };
  await settings.write(statusKey, JSON.stringify(status));
  return status;
}

/** A failed run keeps the last success's counts and who it disabled. */
export async function recordLdapFailure(settings: SettingsStore, at: Date, error: string): Promise<LdapSyncStatus> {
  const previous = await readLdapStatus(settings);
  const status: LdapSyncStatus = {
    lastRunAt: at.toISOString(),
    lastError: error,
    lastSuccessAt: previous?.lastSuccessAt ?? null,
    counts: previous?.counts ?? null,
    skipped: previous?.skipped ?? [],
    disabledBySync: previous?.disabledBySync ?? [],
  };
  await settings.write(statusKey, JSON.stringify(status));
  return status;
}
