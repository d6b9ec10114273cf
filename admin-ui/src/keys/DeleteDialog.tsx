import { deleteKey } from "../api/deleteKey";
import type { Key } from "../api/contract";
import { Dialog } from "../shared/Dialog";
import { KeySummary } from "../shared/KeySummary";
import { DialogActions } from "../shared/DialogActions";
import { FormError } from "../shared/states";
import { useAction } from "../shared/useAction";

export function DeleteDialog(props: { keyData: Key; onClose: () => void; onDeleted: (id: string) => void }) {
  const { busy, error, run } = useAction(async () => {
    await deleteKey(props.keyData.id);
    props.onDeleted(props.keyData.id);
  });
  return (
    <Dialog title="Delete this key?" onClose={props.onClose} busy={busy}>
      <KeySummary keyData={props.keyData} />
      <p className="warning-text">
        The key is removed for good and can no longer sign in. Its authentication events stay in the log without a link to it.
        {props.keyData.status !== "revoked" ? " To keep it listed for auditing, revoke it instead." : ""}
      </p>
      <FormError error={error} />
      <DialogActions onCancel={props.onClose} busy={busy} tone="danger" label="Delete key" busyLabel="Deleting…" onConfirm={run} />
    </Dialog>
  );
}
