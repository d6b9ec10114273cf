// What a key import or sync did, as audit entries: each key it added (imported), each key it
// revoked because the source dropped it, and the source itself (added, synced by hand, removed).
import type { SyncReport } from "../import/key-importer.js";
import type { KeyRecord, KeySourceRecord } from "../store/ports.js";
import type { AuditChange } from "./recorder.js";
import { keyAppeared, keyOwnerFields, keySnapshot, keyTarget } from "./targets.js";

function sourceTarget(source: Pick<KeySourceRecord, "id" | "ref">): AuditChange["target"] {
  return { type: "source", id: source.id, name: source.ref };
}

function sourceSnapshot(source: KeySourceRecord): Record<string, unknown> {
  return { owner: source.username, ownerId: source.userId, ref: source.ref, url: source.url };
}

function revokedBySync(key: KeyRecord): AuditChange {
  const after = keySnapshot(key);
  return {
    action: "key.revoked",
    target: keyTarget(key),
    before: { owner: key.username, ownerId: key.userId, revokedAt: null, revokedReason: null },
    after: { owner: after.owner, ownerId: after.ownerId, revokedAt: after.revokedAt, revokedReason: after.revokedReason },
    keep: keyOwnerFields,
  };
}

/**
 * The entries of one import or sync. `source`: "added" for a first import, "synced" for one
 * asked for by a person, omitted for the periodic sync (only its key changes are worth a line).
 */
export function syncChanges(report: SyncReport, source?: "added" | "synced"): AuditChange[] {
  const counts = { added: report.added.length, revoked: report.revoked.length, unchanged: report.unchanged };
  const sourceChange: AuditChange[] =
    source === undefined
      ? []
      : [
          {
            action: source === "added" ? "source.added" : "source.synced",
            target: sourceTarget(report.source),
            before: null,
            after: { ...sourceSnapshot(report.source), ...counts },
          },
        ];
  return [...sourceChange, ...report.added.map((key) => keyAppeared("key.imported", key)), ...report.revoked.map(revokedBySync)];
}

export function sourceRemoved(source: KeySourceRecord): AuditChange {
  return { action: "source.removed", target: sourceTarget(source), before: sourceSnapshot(source), after: null };
}
