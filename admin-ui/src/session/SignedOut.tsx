import { useEffect, useState } from "react";
import { getSetup } from "../api/getSetup";
import { CopyButton } from "../shared/CopyButton";
import { basePath, useLocation, useTitle } from "../shared/router";
import { rememberReturnPath } from "./return-path";

function Command(props: { text: string }) {
  return (
    <div className="command">
      <pre>
        <code>{props.text}</code>
      </pre>
      <CopyButton text={props.text} label="Copy command" />
    </div>
  );
}

/** No session: how to get a one-time sign-in link, with this console's own URL filled in. */
export function SignedOut(props: { reason?: string | null }) {
  useTitle("Sign in");
  const consoleUrl = `${window.location.origin}${basePath}`;
  const { path } = useLocation();
  const [adminExists, setAdminExists] = useState(true);
  useEffect(() => {
    // A deep link opened while signed out: the sign-in lands there.
    if (path !== "/") rememberReturnPath();
  }, [path]);
  useEffect(() => {
    const controller = new AbortController();
    getSetup(controller.signal).then(
      (setup) => setAdminExists(setup.adminExists),
      () => {},
    );
    return () => controller.abort();
  }, []);
  return (
    <main className="signed-out" id="main">
      <div className="signin-card">
        <div className="brand-mark large" aria-hidden="true">
          <KeyIcon />
        </div>
        <h1>Sign in to the SSH key console</h1>
        {props.reason ? (
          <p className="notice" role="status">
            {props.reason}
          </p>
        ) : null}
        {adminExists ? null : (
          <section className="signin-way first-admin">
            <h2>No administrator yet</h2>
            <p>This console has no administrator. On the server host, create the first one, then print a sign-in link for it (way 2 below):</p>
            <Command text="passport-sshkey users add YOUR_NAME --admin" />
          </section>
        )}
        <p className="lead">There are no passwords here. You sign in with a one-time link that lasts five minutes, obtained in one of two ways:</p>
        <section className="signin-way">
          <h2>
            <span className="step">1</span> With a key you already registered
          </h2>
          <p>
            Prove you hold the key (from your ssh-agent, or <code>--key ~/.ssh/id_ed25519</code>) and open the link it prints:
          </p>
          <Command text={`passport-sshkey login ${consoleUrl} --user YOUR_NAME --agent`} />
        </section>
        <section className="signin-way">
          <h2>
            <span className="step">2</span> On the server host
          </h2>
          <p>With access to the server's database (the way to bootstrap the first administrator):</p>
          <Command text={`passport-sshkey console-link YOUR_NAME --base-url ${window.location.origin}`} />
        </section>
        <p className="muted small">
          The session lives in an HttpOnly cookie and ends after 30 minutes of inactivity or 12 hours at most. Nothing is stored in this browser's local
          storage.
        </p>
      </div>
    </main>
  );
}

export function KeyIcon() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" className="icon">
      <path d="M16.75 8.5a1.25 1.25 0 1 0 0-2.5 1.25 1.25 0 0 0 0 2.5Z" />
      <path d="M15.75 0a8.25 8.25 0 1 1-2.541 16.101l-1.636 1.636a1.744 1.744 0 0 1-1.237.513H9.25a.25.25 0 0 0-.25.25v1.448a.876.876 0 0 1-.256.619l-.214.213a.75.75 0 0 1-.545.22H5.25a.25.25 0 0 0-.25.25v1A1.75 1.75 0 0 1 3.25 24h-1.5A1.75 1.75 0 0 1 0 22.25v-2.836c0-.464.185-.908.513-1.236l7.386-7.388A8.250 8.250 0 0 1 15.75 0ZM9 8.25a6.733 6.733 0 0 0 .463 2.462.75.75 0 0 1-.168.808l-7.722 7.721a.25.25 0 0 0-.073.177v2.832c0 .138.112.25.25.25h1.5a.25.25 0 0 0 .25-.25v-1c0-.966.784-1.75 1.75-1.75H7.5v-1c0-.966.784-1.75 1.75-1.75h1.086a.25.25 0 0 0 .177-.073l1.971-1.972a.75.75 0 0 1 .807-.168A6.75 6.75 0 1 0 9 8.25Z" />
    </svg>
  );
}
