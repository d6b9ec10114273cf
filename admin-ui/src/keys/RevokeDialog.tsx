import { useState } from "react";
import { revokeKey } from "../api/revokeKey";
import type { Key } from "../api/contract";
import { Dialog } from "../shared/Dialog";
import { KeySummary } from "../shared/KeySummary";
import { DialogActions } from "../shared/DialogActions";
import { FormError } from "../shared/states";
import { useAction } from "../shared/useAction";

export function RevokeDialog(props: { keyData: Key; onClose: () => void; onRevoked: (key: Key) => void }) {
  const [reason, setReason] = useState("");
  const { busy, error, run } = useAction(async () => props.onRevoked((await revokeKey(props.keyData.id, reason.trim())).key));
  return (
    <Dialog title="Revoke this key?" onClose={props.onClose} busy={busy}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          run();
        }}
      >
        <KeySummary keyData={props.keyData} />
        <p className="warning-text">
          Every request signed with this key is refused from now on, by every scheme. Revoking cannot be undone; the key stays listed so its history remains
          auditable.
        </p>
        <label className="field">
          <span className="label">Reason (optional, kept with the key)</span>
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} placeholder="e.g. laptop lost" />
        </label>
        <FormError error={error} />
        <DialogActions onCancel={props.onClose} busy={busy} tone="danger" label="Revoke key" busyLabel="Revoking…" />
      </form>
    </Dialog>
  );
}
