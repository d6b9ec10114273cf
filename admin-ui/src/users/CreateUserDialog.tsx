import { useState } from "react";
import { createUser } from "../api/createUser";
import type { User } from "../api/types";
import { Dialog } from "../shared/Dialog";
import { FormError } from "../shared/states";

export function CreateUserDialog(props: { onClose: () => void; onCreated: (user: User) => void }) {
  const [username, setUsername] = useState("");
  const [isAdmin, setIsAdmin] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <Dialog title="New user" onClose={props.onClose} busy={busy}>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const { user } = await createUser(username.trim(), isAdmin);
            props.onCreated(user);
          } catch (e) {
            setError(e);
            setBusy(false);
          }
        }}
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
        <label className="check">
          <input type="checkbox" checked={isAdmin} onChange={(e) => setIsAdmin(e.target.checked)} />
          <span>Administrator (can manage every user's keys and read the auth log)</span>
        </label>
        <FormError error={error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={busy || !username.trim()}>
            {busy ? "Creating…" : "Create user"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
