import { useState } from "react";
import { revokeKeys } from "../api/keyInventory";
import type { Key } from "../api/contract";
import { Dialog } from "../shared/Dialog";
import { DialogForm } from "../shared/DialogForm";
import { plural } from "../shared/format";
import { useAction } from "../shared/useAction";

/** Revokes the chosen keys with one reason, in one call; says what happened to each that did not go as asked. */
export function BulkRevokeDialog(props: { keys: Key[]; onClose: () => void; onDone: (summary: string) => void }) {
  const [reason, setReason] = useState("");
  const { busy, error, run } = useAction(async () => {
    const results = await revokeKeys(
      props.keys.map((k) => k.id),
      reason.trim(),
    );
    const revoked = results.filter((r) => r.outcome === "revoked").length;
    const already = results.filter((r) => r.outcome === "already_revoked").length;
    const missing = results.filter((r) => r.outcome === "not_found").length;
    const notes = [already ? `${already} already revoked` : null, missing ? `${missing} no longer exist` : null].filter(Boolean);
    props.onDone(`Revoked ${plural(revoked, "key")}.${notes.length ? ` (${notes.join(", ")}.)` : ""}`);
  });
  const count = props.keys.length;
  return (
    <Dialog title={`Revoke ${plural(count, "key")}?`} onClose={props.onClose} busy={busy}>
      <DialogForm
        onSubmit={run}
        error={error}
        actions={{ onCancel: props.onClose, busy, tone: "danger", label: `Revoke ${plural(count, "key")}`, busyLabel: "Revoking…" }}
      >
        {/* Focusable: a long selection scrolls, and keyboard users must be able to scroll it. */}
        <ul className="bulk-list" tabIndex={0} aria-label="Keys to revoke">
          {props.keys.map((k) => (
            <li key={k.id}>
              <strong>{k.comment || k.fingerprintSha256}</strong> <span className="muted">{k.username}</span>
            </li>
          ))}
        </ul>
        <p className="warning-text">Every request signed with these keys is refused from now on. Revoking cannot be undone.</p>
        <label className="field">
          <span className="label">Reason (optional, kept with each key)</span>
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} placeholder="e.g. contractor left" />
        </label>
      </DialogForm>
    </Dialog>
  );
}
