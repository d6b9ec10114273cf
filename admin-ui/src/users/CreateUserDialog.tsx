import { useState } from "react";
import { createUser } from "../api/createUser";
import type { UserWithKeyCount } from "../api/contract";
import { Dialog } from "../shared/Dialog";
import { DialogForm } from "../shared/DialogForm";
import { useAction } from "../shared/useAction";
import { EmailField } from "./EmailUserDialog";

export function CreateUserDialog(props: { onClose: () => void; onCreated: (user: UserWithKeyCount) => void }) {
  const [username, setUsername] = useState("");
  const [isAdmin, setIsAdmin] = useState(false);
  const [email, setEmail] = useState("");
  const { busy, error, run } = useAction(async () =>
    props.onCreated((await createUser({ username: username.trim(), isAdmin, ...(email.trim() ? { email: email.trim() } : {}) })).user),
  );
  return (
    <Dialog title="New user" onClose={props.onClose} busy={busy}>
      <DialogForm
        onSubmit={run}
        error={error}
        actions={{ onCancel: props.onClose, busy, tone: "primary", label: "Create user", busyLabel: "Creating…", disabled: !username.trim() }}
      >
        <label className="field">
          <span className="label">Username</span>
          <input
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            maxLength={64}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            placeholder="e.g. alice"
          />
          <span className="hint">The name the user signs in with (the JWT subject / --user).</span>
        </label>
        <EmailField value={email} onChange={setEmail} />
        <label className="check">
          <input type="checkbox" checked={isAdmin} onChange={(e) => setIsAdmin(e.target.checked)} />
          <span>Administrator (can manage every user's keys and read the auth log)</span>
        </label>
      </DialogForm>
    </Dialog>
  );
}
