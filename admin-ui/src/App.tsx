import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiError, onSignedOut, setCsrfToken } from "./api/client";
import { getMe } from "./api/getMe";
import { logout } from "./api/logout";
import type { Me } from "./api/contract";
import { AuditPage } from "./audit/AuditPage";
import { AuthoritiesPage } from "./authorities/AuthoritiesPage";
import { EventsPage } from "./events/EventsPage";
import { KeyDetailPage } from "./keys/KeyDetailPage";
import { KeysPage } from "./keys/KeysPage";
import { SessionContext, useSession, type Session } from "./session/SessionContext";
import { KeyIcon, SignedOut } from "./session/SignedOut";
import { Link, navigate, useLocation } from "./shared/router";
import { ErrorBox, Loading } from "./shared/states";
import { UsersPage } from "./users/UsersPage";

type State = { kind: "loading" } | { kind: "signed-in"; me: Me } | { kind: "signed-out"; reason: string | null } | { kind: "error"; error: unknown };

/** Why the session ended, for the codes that say (a plain sign-out says nothing on first load). */
const signedOutReasons: Record<string, string | undefined> = {
  session_expired: "Your session expired. Sign in again.",
  user_disabled: "This user is disabled.",
};

export function App() {
  const [state, setState] = useState<State>({ kind: "loading" });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    getMe(controller.signal).then(
      (me) => {
        setCsrfToken(me.csrfToken);
        setState({ kind: "signed-in", me });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.signedOut) setState({ kind: "signed-out", reason: signedOutReasons[error.code] ?? null });
        else setState({ kind: "error", error });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  useEffect(
    () =>
      onSignedOut((error) => {
        setCsrfToken(null);
        setState({ kind: "signed-out", reason: signedOutReasons[error.code] ?? "You were signed out." });
      }),
    [],
  );

  const signOut = useCallback(async () => {
    try {
      await logout();
    } finally {
      setCsrfToken(null);
      setState({ kind: "signed-out", reason: "You signed out." });
      navigate("/", { replace: true });
    }
  }, []);

  const session = useMemo<Session | null>(() => (state.kind === "signed-in" ? { me: state.me, signOut } : null), [state, signOut]);

  if (state.kind === "loading") {
    return (
      <main className="page center" id="main">
        <Loading label="Opening the console…" />
      </main>
    );
  }
  if (state.kind === "error") {
    return (
      <main className="page center" id="main">
        <ErrorBox error={state.error} title="The console cannot start" retry={() => setAttempt((n) => n + 1)} />
      </main>
    );
  }
  if (state.kind === "signed-out" || !session) return <SignedOut reason={state.kind === "signed-out" ? state.reason : null} />;
  return (
    <SessionContext.Provider value={session}>
      <Shell />
    </SessionContext.Provider>
  );
}

function Shell() {
  const { path } = useLocation();
  const session = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true">
              <KeyIcon />
            </span>
            <span className="brand-text">SSH keys</span>
          </Link>
          <nav aria-label="Console">
            <Link to="/" aria-current={path === "/" || path.startsWith("/keys") ? "page" : undefined}>
              Keys
            </Link>
            {session.me.isAdmin ? (
              <>
                <Link to="/users" aria-current={path.startsWith("/users") ? "page" : undefined}>
                  Users
                </Link>
                <Link to="/authorities" aria-current={path.startsWith("/authorities") ? "page" : undefined}>
                  Certificate authorities
                </Link>
                <Link to="/events" aria-current={path.startsWith("/events") ? "page" : undefined}>
                  Auth log
                </Link>
                <Link to="/audit" aria-current={path.startsWith("/audit") ? "page" : undefined}>
                  Audit log
                </Link>
              </>
            ) : null}
          </nav>
          <div className="account">
            <span className="whoami" title={`Signed in as ${session.me.user.username}`}>
              <span className="avatar" aria-hidden="true">
                {session.me.user.username.slice(0, 1).toUpperCase()}
              </span>
              <span className="whoami-name">{session.me.user.username}</span>
              {session.me.isAdmin ? <span className="badge role-admin">admin</span> : null}
            </span>
            <button type="button" className="button subtle small" onClick={() => void session.signOut()}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <Routes path={path} isAdmin={session.me.isAdmin} />
    </>
  );
}

function Routes(props: { path: string; isAdmin: boolean }) {
  const { path } = props;
  const keyMatch = /^\/keys\/([^/]+)\/?$/.exec(path);
  if (keyMatch) return <KeyDetailPage id={decodeURIComponent(keyMatch[1]!)} />;
  if (path === "/" || path === "/keys" || path === "/keys/") return <KeysPage />;
  if (props.isAdmin && path.startsWith("/users")) return <UsersPage />;
  if (props.isAdmin && path.startsWith("/events")) return <EventsPage />;
  if (props.isAdmin && path.startsWith("/authorities")) return <AuthoritiesPage />;
  if (props.isAdmin && path.startsWith("/audit")) return <AuditPage />;
  return (
    <main className="page" id="main">
      <ErrorBox
        title="Page not found"
        error={
          new Error(props.isAdmin || !/^\/(users|events|authorities|audit)/.test(path) ? `There is no page at ${path}.` : "This page is for administrators.")
        }
      />
      <p>
        <Link to="/">Back to your keys</Link>
      </p>
    </main>
  );
}
