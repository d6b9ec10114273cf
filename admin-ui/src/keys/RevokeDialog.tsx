import { useState } from "react";
import { revokeKey } from "../api/revokeKey";
import type { Key } from "../api/contract";
import { Dialog } from "../shared/Dialog";
import { KeySummary } from "../shared/KeySummary";
import { DialogForm } from "../shared/DialogForm";
import { useAction } from "../shared/useAction";

export function RevokeDialog(props: { keyData: Key; onClose: () => void; onRevoked: (key: Key) => void }) {
  const [reason, setReason] = useState("");
  const { busy, error, run } = useAction(async () => props.onRevoked((await revokeKey(props.keyData.id, reason.trim())).key));
  return (
    <Dialog title="Revoke this key?" onClose={props.onClose} busy={busy}>
      <DialogForm onSubmit={run} error={error} actions={{ onCancel: props.onClose, busy, tone: "danger", label: "Revoke key", busyLabel: "Revoking…" }}>
        <KeySummary keyData={props.keyData} />
        <p className="warning-text">
          Every request signed with this key is refused from now on, by every scheme. Revoking cannot be undone; the key stays listed so its history remains
          auditable.
        </p>
        <label className="field">
          <span className="label">Reason (optional, kept with the key)</span>
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} placeholder="e.g. laptop lost" />
        </label>
      </DialogForm>
    </Dialog>
  );
}
