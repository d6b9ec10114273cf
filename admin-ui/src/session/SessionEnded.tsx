import { useContext, useState } from "react";
import { basePath } from "../shared/base-path";
import { describeError } from "../shared/states";
import { SessionContext } from "./SessionContext";

/**
 * The session ended while the console was open: the page (and any half-filled dialog) stays as
 * it was. The user signs in again, in another tab, and continues here; a link opened in this
 * tab lands back on this page.
 */
export function SessionEnded(props: { compact?: boolean }) {
  const session = useContext(SessionContext);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!session?.ended) return null;
  const resume = async () => {
    setBusy(true);
    setError(null);
    try {
      await session.resume();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="session-ended" role="alert">
      <p>
        <strong>{session.ended}</strong> What you entered here is kept. Sign in again in another tab (for example{" "}
        <code>
          passport-sshkey login {window.location.origin}
          {basePath} --user {session.me.user.username} --agent
        </code>
        ), then continue here{props.compact ? " and press the button again" : ""}.
      </p>
      <button type="button" className="button primary small" onClick={() => void resume()} disabled={busy}>
        {busy ? "Checking…" : "I signed in again — continue"}
      </button>
      {error ? <p className="form-error">Still signed out: {describeError(error)}</p> : null}
    </div>
  );
}
