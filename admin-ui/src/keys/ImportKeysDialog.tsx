import { useState } from "react";
import type { KeySyncReport } from "../api/contract";
import { importKeys } from "../api/keyImport";
import { Dialog } from "../shared/Dialog";
import { DialogForm } from "../shared/DialogForm";
import { useAction } from "../shared/useAction";

/** Import a user's public keys from GitHub, GitLab or a URL serving one key per line. */
export function ImportKeysDialog(props: { username?: string | undefined; onClose: () => void; onImported: (report: KeySyncReport) => void }) {
  const [source, setSource] = useState("");
  const { busy, error, run } = useAction(async () =>
    props.onImported(await importKeys(props.username ? { source: source.trim(), username: props.username } : { source: source.trim() })),
  );
  return (
    <Dialog title={`Import keys${props.username ? ` for ${props.username}` : ""}`} onClose={props.onClose} busy={busy}>
      <DialogForm onSubmit={run} error={error} actions={{ onCancel: props.onClose, busy, tone: "primary", label: "Import keys", busyLabel: "Importing…" }}>
        <label className="field">
          <span className="label">From GitHub, GitLab or a URL</span>
          <input
            type="text"
            value={source}
            onChange={(e) => setSource(e.target.value)}
            required
            maxLength={2048}
            autoComplete="off"
            spellCheck={false}
            placeholder="gh:octocat, gitlab:gitlab.example.com/alice or https://…/alice.keys"
          />
        </label>
        <p className="muted">
          The keys are kept in step with their source: new ones are added, keys removed there are revoked here. Imported keys sign in only after they are
          verified (their owner signs a challenge with the key).
        </p>
      </DialogForm>
    </Dialog>
  );
}

/** What an import or sync did, in one sentence for the flash message. */
export function reportSummary(report: KeySyncReport): string {
  const parts = [`${report.added.length} added (unverified)`, `${report.revoked.length} revoked`, `${report.unchanged} unchanged`];
  if (report.skipped.length > 0) parts.push(`${report.skipped.length} already registered`);
  if (report.refused.length > 0) parts.push(`${report.refused.length} lines refused`);
  return `${report.source.ref}: ${parts.join(", ")}.${report.removalsHeld ? " Some lines could not be read, so no key was revoked." : ""}`;
}
