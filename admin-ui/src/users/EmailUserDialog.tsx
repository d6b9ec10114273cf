import { useState } from "react";
import type { User } from "../api/contract";
import { updateUser } from "../api/updateUser";
import { Dialog } from "../shared/Dialog";
import { DialogForm } from "../shared/DialogForm";
import { useAction } from "../shared/useAction";

/** Where the user's notices (key added, revoked by someone else, expiring) are mailed; empty clears it. */
export function EmailUserDialog(props: { user: User; onClose: () => void; onDone: (user: User) => void }) {
  const [email, setEmail] = useState(props.user.email ?? "");
  const address = email.trim();
  const { busy, error, run } = useAction(async () => props.onDone((await updateUser(props.user.username, { email: address || null })).user));
  return (
    <Dialog title={`E-mail for ${props.user.username}`} onClose={props.onClose} busy={busy}>
      <DialogForm
        onSubmit={run}
        error={error}
        actions={{
          onCancel: props.onClose,
          busy,
          tone: "primary",
          label: address ? "Save e-mail" : "Clear e-mail",
          busyLabel: "Saving…",
          disabled: address === (props.user.email ?? ""),
        }}
      >
        <EmailField value={email} onChange={setEmail} />
      </DialogForm>
    </Dialog>
  );
}

export function EmailField(props: { value: string; onChange: (value: string) => void }) {
  return (
    <label className="field">
      <span className="label">E-mail (optional)</span>
      <input type="email" value={props.value} onChange={(e) => props.onChange(e.target.value)} maxLength={254} autoComplete="off" spellCheck={false} />
      <span className="hint">Notices about their keys are mailed here when the server has SMTP_URL. Leave empty for none.</span>
    </label>
  );
}
