import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiError, onSignedOut, setCsrfToken } from "./api/client";
import { getMe } from "./api/getMe";
import { logout } from "./api/logout";
import type { Me } from "./api/contract";
import { AuditPage } from "./audit/AuditPage";
import { AuthoritiesPage } from "./authorities/AuthoritiesPage";
import { EventsPage } from "./events/EventsPage";
import { InventoryPage } from "./inventory/InventoryPage";
import { KeyDetailPage } from "./keys/KeyDetailPage";
import { KeysPage } from "./keys/KeysPage";
import { PolicyPage } from "./policy/PolicyPage";
import { SessionContext, useSession, type Session } from "./session/SessionContext";
import { rememberReturnPath } from "./session/return-path";
import { SessionEnded } from "./session/SessionEnded";
import { KeyIcon, SignedOut } from "./session/SignedOut";
import { SignOutButton } from "./session/SignOutButton";
import { Link, navigate, useLocation } from "./shared/router";
import { ErrorBox, Loading } from "./shared/states";
import { UsersPage } from "./users/UsersPage";
import { WebhooksPage } from "./webhooks/WebhooksPage";

type State =
  { kind: "loading" } | { kind: "signed-in"; me: Me; ended: string | null } | { kind: "signed-out"; reason: string | null } | { kind: "error"; error: unknown };

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
        setState({ kind: "signed-in", me, ended: null });
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
        rememberReturnPath();
        const reason = signedOutReasons[error.code] ?? "You were signed out.";
        // An open console keeps its page and dialogs (SessionEnded says how to continue).
        setState((current) => (current.kind === "signed-in" ? { ...current, ended: reason } : { kind: "signed-out", reason }));
      }),
    [],
  );

  const signOut = useCallback(async () => {
    try {
      await logout();
    } catch (error) {
      // Only a server that answered "no session" has ended it; otherwise the session lives on.
      if (!(error instanceof ApiError && error.signedOut)) throw error;
    }
    setCsrfToken(null);
    setState({ kind: "signed-out", reason: "You signed out." });
    navigate("/", { replace: true });
  }, []);

  const resume = useCallback(async () => {
    const me = await getMe();
    setCsrfToken(me.csrfToken);
    setState((current) => {
      // Signed in again as someone else: nothing on this page is theirs.
      if (current.kind === "signed-in" && current.me.user.id !== me.user.id) window.location.reload();
      return { kind: "signed-in", me, ended: null };
    });
  }, []);

  const session = useMemo<Session | null>(
    () => (state.kind === "signed-in" ? { me: state.me, ended: state.ended, signOut, resume } : null),
    [state, signOut, resume],
  );

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
                {adminPages.map((page) => (
                  <Link key={page.path} to={page.path} aria-current={path.startsWith(page.path) ? "page" : undefined}>
                    {page.label}
                  </Link>
                ))}
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
            <SignOutButton />
          </div>
        </div>
      </header>
      <SessionEnded />
      <Routes path={path} isAdmin={session.me.isAdmin} />
    </>
  );
}

/** The administrators' pages, in nav order: the nav links, the routes and the not-found page read this one list. */
const adminPages = [
  { path: "/inventory", label: "All keys", Page: InventoryPage },
  { path: "/users", label: "Users", Page: UsersPage },
  { path: "/authorities", label: "Certificate authorities", Page: AuthoritiesPage },
  { path: "/events", label: "Auth log", Page: EventsPage },
  { path: "/webhooks", label: "Webhooks", Page: WebhooksPage },
  { path: "/policy", label: "Key policy", Page: PolicyPage },
  { path: "/audit", label: "Audit log", Page: AuditPage },
] as const;

function Routes(props: { path: string; isAdmin: boolean }) {
  const { path } = props;
  const keyMatch = /^\/keys\/([^/]+)\/?$/.exec(path);
  if (keyMatch) return <KeyDetailPage id={decodeURIComponent(keyMatch[1]!)} />;
  if (path === "/" || path === "/keys" || path === "/keys/") return <KeysPage />;
  const adminPage = adminPages.find((page) => path.startsWith(page.path));
  if (props.isAdmin && adminPage) return <adminPage.Page />;
  return (
    <main className="page" id="main">
      {/* The page's heading for screen readers; the box below says the same to the eye. */}
      <h1 className="sr-only">Page not found</h1>
      <ErrorBox title="Page not found" error={new Error(props.isAdmin || !adminPage ? `There is no page at ${path}.` : "This page is for administrators.")} />
      <p>
        <Link to="/">Back to your keys</Link>
      </p>
    </main>
  );
}
