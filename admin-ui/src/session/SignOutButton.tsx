import { describeError } from "../shared/states";
import { useAction } from "../shared/useAction";
import { useSession } from "./SessionContext";

/**
 * Sign out, and say so only when the server ended the session: when it cannot be reached the
 * session is still valid, so the user stays signed in and hears that it failed (press again to retry).
 */
export function SignOutButton() {
  const session = useSession();
  const { busy, error, run: signOut } = useAction(session.signOut);
  return (
    <>
      <button type="button" className="button subtle small" onClick={signOut} disabled={busy}>
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
