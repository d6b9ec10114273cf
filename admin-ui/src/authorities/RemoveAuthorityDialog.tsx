import type { Authority } from "../api/contract";
import { removeAuthority } from "../api/removeAuthority";
import { Dialog } from "../shared/Dialog";
import { DialogActions } from "../shared/DialogActions";
import { Fingerprint } from "../shared/Fingerprint";
import { FormError } from "../shared/states";
import { useAction } from "../shared/useAction";

export function RemoveAuthorityDialog(props: { authority: Authority; onClose: () => void; onRemoved: (name: string) => void }) {
  const { busy, error, run } = useAction(async () => {
    await removeAuthority(props.authority.name);
    props.onRemoved(props.authority.name);
  });
  return (
    <Dialog title="Remove this certificate authority?" onClose={props.onClose} busy={busy}>
      <div className="key-summary">
        <strong>{props.authority.name}</strong>
        <Fingerprint value={props.authority.fingerprintSha256} />
      </div>
      <p className="warning-text">
        Its certificates no longer sign anyone in, and its revocations are forgotten. Past certificate logins stay in the log without the CA's name.
      </p>
      <FormError error={error} />
      <DialogActions onCancel={props.onClose} busy={busy} tone="danger" label="Remove CA" busyLabel="Removing…" onConfirm={run} />
    </Dialog>
  );
}
