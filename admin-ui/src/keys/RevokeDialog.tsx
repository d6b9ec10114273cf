import { useState } from "react";
import { revokeKey } from "../api/revokeKey";
import type { Key } from "../api/types";
import { Dialog } from "../shared/Dialog";
import { KeySummary } from "../shared/KeySummary";
import { FormError } from "../shared/states";

export function RevokeDialog(props: { keyData: Key; onClose: () => void; onRevoked: (key: Key) => void }) {
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <Dialog title="Revoke this key?" onClose={props.onClose} busy={busy}>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const { key } = await revokeKey(props.keyData.id, reason.trim());
            props.onRevoked(key);
          } catch (e) {
            setError(e);
            setBusy(false);
          }
        }}
      >
        <KeySummary keyData={props.keyData} />
        <p className="warning-text">
          Every request signed with this key is refused from now on, by every scheme. Revoking cannot be undone; the key stays listed
          so its history remains auditable.
        </p>
        <label className="field">
          <span className="label">Reason (optional, kept with the key)</span>
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} placeholder="e.g. laptop lost" />
        </label>
        <FormError error={error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button danger" disabled={busy}>
            {busy ? "Revoking…" : "Revoke key"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
