import os from "node:os";
import { AuditRecorder, type AuditChange, type AuditOrigin } from "../audit/recorder.js";
import type { SshKeyStore } from "../store/ports.js";

/**
 * The CLI's actor: the operating-system account running it, from the password database
 * (USER and LOGNAME are whatever the caller exported, so they are not trusted over it).
 */
export function cliOrigin(): AuditOrigin {
  let name: string;
  try {
    name = os.userInfo().username;
  } catch {
    // No password-database entry (some containers): the numeric uid is still who it was.
    name = `uid ${process.getuid?.() ?? "unknown"}`;
  }
  return { actor: { type: "cli", name } };
}

/** Records the changes a CLI command made on `store`, right after it made them. */
export function recordCliChanges(store: Pick<SshKeyStore, "audit">, ...changes: AuditChange[]): Promise<void> {
  return new AuditRecorder(store.audit).recordAll(cliOrigin(), changes);
}
