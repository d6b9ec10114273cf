import { useState } from "react";
import { deleteKey } from "../api/deleteKey";
import type { Key } from "../api/types";
import { Dialog } from "../shared/Dialog";
import { KeySummary } from "../shared/KeySummary";
import { FormError } from "../shared/states";

export function DeleteDialog(props: { keyData: Key; onClose: () => void; onDeleted: (id: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <Dialog title="Delete this key?" onClose={props.onClose} busy={busy}>
      <KeySummary keyData={props.keyData} />
      <p className="warning-text">
        The key is removed for good and can no longer sign in. Its authentication events stay in the log without a link to it.
        {props.keyData.status !== "revoked" ? " To keep it listed for auditing, revoke it instead." : ""}
      </p>
      <FormError error={error} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={props.onClose} disabled={busy} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className="button danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await deleteKey(props.keyData.id);
              props.onDeleted(props.keyData.id);
            } catch (e) {
              setError(e);
              setBusy(false);
            }
          }}
        >
          {busy ? "Deleting…" : "Delete key"}
        </button>
      </div>
    </Dialog>
  );
}
