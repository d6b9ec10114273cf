import { useState } from "react";
import type { User } from "../api/types";
import { updateUser } from "../api/updateUser";
import { Dialog } from "../shared/Dialog";
import { FormError } from "../shared/states";

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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const patch =
    props.change === "disable" ? { disabled: true } : props.change === "enable" ? { disabled: false } : { isAdmin: props.change === "promote" };
  return (
    <Dialog title={t.title} onClose={props.onClose} busy={busy}>
      <p>
        <strong>{props.user.username}</strong>
      </p>
      <p className={t.danger ? "warning-text" : undefined}>{t.body}</p>
      <FormError error={error} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={props.onClose} disabled={busy} data-autofocus>
          Cancel
        </button>
        <button
          type="button"
          className={`button ${t.danger ? "danger" : "primary"}`}
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              const { user } = await updateUser(props.user.username, patch);
              props.onDone(user);
            } catch (e) {
              setError(e);
              setBusy(false);
            }
          }}
        >
          {busy ? "Saving…" : t.action}
        </button>
      </div>
    </Dialog>
  );
}
