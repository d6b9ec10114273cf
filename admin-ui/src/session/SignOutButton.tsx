import { useState } from "react";
import { describeError } from "../shared/states";
import { useSession } from "./SessionContext";

/**
 * Sign out, and say so only when the server ended the session: when it cannot be reached the
 * session is still valid, so the user stays signed in and hears that it failed (press again to retry).
 */
export function SignOutButton() {
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function signOut() {
    setBusy(true);
    setError(null);
    try {
      await session.signOut();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }
  return (
    <>
      <button type="button" className="button subtle small" onClick={() => void signOut()} disabled={busy}>
        {busy ? "Signing out…" : "Sign out"}
      </button>
      {error ? (
        <p className="signout-error" role="alert">
          Sign-out failed, you are still signed in: {describeError(error)}
        </p>
      ) : null}
    </>
  );
}
