import type { User } from "../api/contract";
import { updateUser } from "../api/updateUser";
import { Dialog } from "../shared/Dialog";
import { DialogActions } from "../shared/DialogActions";
import { FormError } from "../shared/states";
import { useAction } from "../shared/useAction";

export type UserChange = "disable" | "enable" | "promote" | "demote";

const texts: Record<UserChange, { title: string; body: string; action: string; danger: boolean }> = {
  disable: {
    title: "Disable user?",
    body: "Their console sessions end now and every request they sign is refused, whatever the key. Their keys stay as they are, so enabling them again restores access.",
    action: "Disable user",
    danger: true,
  },
  enable: { title: "Enable user?", body: "Their keys that are active can sign in again.", action: "Enable user", danger: false },
  promote: {
    title: "Make administrator?",
    body: "Administrators see and change every user's keys, create and disable users, and read the authentication log.",
    action: "Make administrator",
    danger: false,
  },
  demote: { title: "Remove administrator rights?", body: "They keep their own keys and console access.", action: "Remove admin rights", danger: true },
};

export function ConfirmUserDialog(props: { user: User; change: UserChange; onClose: () => void; onDone: (user: User) => void }) {
  const t = texts[props.change];
  const patch = props.change === "disable" ? { disabled: true } : props.change === "enable" ? { disabled: false } : { isAdmin: props.change === "promote" };
  const { busy, error, run } = useAction(async () => props.onDone((await updateUser(props.user.username, patch)).user));
  return (
    <Dialog title={t.title} onClose={props.onClose} busy={busy}>
      <p>
        <strong>{props.user.username}</strong>
      </p>
      <p className={t.danger ? "warning-text" : undefined}>{t.body}</p>
      <FormError error={error} />
      <DialogActions onCancel={props.onClose} busy={busy} tone={t.danger ? "danger" : "primary"} label={t.action} busyLabel="Saving…" onConfirm={run} />
    </Dialog>
  );
}
