import { useState } from "react";
import { getKey } from "../api/getKey";
import { updateKey } from "../api/updateKey";
import type { Key } from "../api/contract";
import { useSession } from "../session/SessionContext";
import { CopyButton } from "../shared/CopyButton";
import { EventsTable } from "../shared/EventsTable";
import { Fingerprint } from "../shared/Fingerprint";
import { endOfDayIso, formatExact, keyTypeLabel, schemeLabel, toDateInput } from "../shared/format";
import { RelativeTime } from "../shared/RelativeTime";
import { Link, navigate, useTitle } from "../shared/router";
import { Empty, ErrorBox, FormError, Loading } from "../shared/states";
import { KeyOptions } from "../shared/KeyOptions";
import { SecurityKeyBadge } from "../shared/SecurityKeyBadge";
import { StatusBadge } from "../shared/StatusBadge";
import { useLoad } from "../shared/useLoad";
import { useNow } from "../shared/useNow";
import { DeleteDialog } from "./DeleteDialog";
import { InlineComment } from "./InlineComment";
import { KeyLimits } from "./KeyLimits";
import { RevokeDialog } from "./RevokeDialog";
import { UsageChart } from "./UsageChart";
import { SourceBadge } from "./SourceBadge";
import { VerifyDialog } from "./VerifyDialog";
import { focusActionIn } from "../shared/focus";

/** Everything about one key: all fingerprints, the JWT kid, the OpenSSH text and its recent authentications. */
export function KeyDetailPage(props: { id: string }) {
  const { me } = useSession();
  const [result, reload, update] = useLoad((signal) => getKey(props.id, signal), [props.id]);
  const [modal, setModal] = useState<"verify" | "revoke" | "delete" | null>(null);
  const now = useNow();
  const key = result.data?.key;
  useTitle(key ? key.comment || "Key" : "Key");
  const setKey = (k: Key) => update((data) => ({ ...data, key: k }));
  const back = key && key.username !== me.user.username ? `/keys?user=${encodeURIComponent(key.username)}` : "/";

  return (
    <main className="page" id="main">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={back}>{key && key.username !== me.user.username ? `SSH keys of ${key.username}` : "SSH keys"}</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{key ? key.comment || "(no name)" : "Key"}</span>
      </nav>
      {result.state === "error" && !key ? (
        <ErrorBox error={result.error} retry={reload} title="This key cannot be shown" />
      ) : !key || !result.data ? (
        <Loading label="Loading the key…" />
      ) : (
        <>
          <div className="page-head">
            <div className="detail-title">
              <InlineComment keyData={key} onSaved={setKey} heading />
              <div className="sub">
                <StatusBadge keyData={key} now={now} /> <span className="type-pill">{keyTypeLabel(key.type)}</span> {key.bits} bits{" "}
                <SecurityKeyBadge securityKey={key.securityKey} /> <SourceBadge keyData={key} /> · owned by <strong>{key.username}</strong>
              </div>
            </div>
            <div className="actions">
              {key.status === "unverified" ? (
                <button type="button" className="button primary" onClick={() => setModal("verify")}>
                  Verify
                </button>
              ) : null}
              {key.status !== "revoked" ? (
                <button type="button" className="button danger-outline" onClick={() => setModal("revoke")}>
                  Revoke
                </button>
              ) : null}
              {key.origin === "ldap" ? null : (
                <button type="button" className="button subtle danger-text" onClick={() => setModal("delete")}>
                  Delete
                </button>
              )}
            </div>
          </div>

          {key.origin === "ldap" ? (
            <div className="callout" data-testid="ldap-managed">
              <p className="callout-title">Managed by LDAP</p>
              <p>
                This key comes from the LDAP entry <code>{key.originRef}</code>: change or remove it there, and the next sync follows. Revoking it here refuses
                it at once, and the sync keeps it revoked.
              </p>
            </div>
          ) : null}

          {key.status === "revoked" ? (
            <div className="callout danger">
              <p className="callout-title">Revoked {key.revokedAt ? <RelativeTime at={key.revokedAt} /> : null}</p>
              <p>{key.revokedReason ? `Reason: ${key.revokedReason}` : "No reason was given."} Requests signed with this key are refused.</p>
            </div>
          ) : null}

          <div className="detail-grid">
            <section className="card">
              <h2>Identity</h2>
              <dl className="facts">
                <dt>SHA256 fingerprint</dt>
                <dd>
                  <Fingerprint value={key.fingerprintSha256} label="SHA256 fingerprint" />
                </dd>
                <dt>MD5 fingerprint</dt>
                <dd>
                  <Fingerprint value={key.fingerprintMd5} label="MD5 fingerprint" />
                </dd>
                <dt>
                  JWT <code>kid</code>
                </dt>
                <dd>
                  <Fingerprint value={key.kid} label="kid" />
                </dd>
                <dt>Type</dt>
                <dd>
                  <code>{key.type}</code> · {key.bits} bits
                </dd>
                {key.securityKey ? (
                  <>
                    <dt>Security key</dt>
                    <dd data-testid="security-key">
                      Application <code>{key.securityKey.application}</code>
                      <div className="muted small">
                        {key.securityKey.touchRequired ? "Every sign-in needs a touch" : "Signs without a touch (no-touch-required)"}
                        {key.securityKey.verifyRequired ? " and the PIN (verify-required)" : ""}.{" "}
                        {key.securityKey.signCounter === null ? "No signature counter seen yet." : `Signature counter: ${key.securityKey.signCounter}.`}
                      </div>
                    </dd>
                  </>
                ) : null}
                {key.options.length ? (
                  <>
                    <dt>authorized_keys options</dt>
                    <dd>
                      <KeyOptions options={key.options} />
                    </dd>
                  </>
                ) : null}
                <dt>Key id</dt>
                <dd>
                  <code>{key.id}</code>
                </dd>
              </dl>
            </section>
            <section className="card">
              <h2>Usage</h2>
              <dl className="facts">
                <dt>Added</dt>
                <dd>
                  <RelativeTime at={key.createdAt} /> <span className="muted small">({formatExact(key.createdAt)})</span>
                </dd>
                <dt>Last used</dt>
                <dd data-testid="last-used">
                  {key.lastUsedAt ? (
                    <>
                      <RelativeTime at={key.lastUsedAt} /> <span className="muted small">({formatExact(key.lastUsedAt)})</span>
                      <div>
                        {key.lastUsedScheme ? <span className="scheme-pill">{schemeLabel(key.lastUsedScheme)}</span> : null}{" "}
                        {key.lastUsedIp ? (
                          <>
                            from <code>{key.lastUsedIp}</code>
                          </>
                        ) : null}
                      </div>
                    </>
                  ) : (
                    <span className="muted">Never used</span>
                  )}
                </dd>
                <dt>Uses</dt>
                <dd>
                  <span data-testid="use-count">{key.useCount.toLocaleString()}</span>
                  <div className="muted small">A key's first use shows within seconds; later ones are written at most once a minute.</div>
                </dd>
                <dt>Expires</dt>
                <dd>
                  <ExpiryEditor keyData={key} onSaved={setKey} />
                </dd>
              </dl>
            </section>
          </div>

          <KeyLimits keyData={key} isAdmin={me.isAdmin} onSaved={setKey} />

          <section className="card">
            <div className="card-head">
              <h2>Public key (OpenSSH)</h2>
              <CopyButton text={key.openssh + (key.comment ? ` ${key.comment}` : "")} label="Copy public key" />
            </div>
            <pre className="openssh mono">
              {key.openssh}
              {key.comment ? ` ${key.comment}` : ""}
            </pre>
          </section>

          <section className="card" aria-labelledby="usage-heading">
            <h2 id="usage-heading">Sign-ins per day</h2>
            <UsageChart usage={result.data.usage} />
          </section>

          <section className="card">
            <div className="card-head">
              <h2>Recent authentications</h2>
              {me.isAdmin ? <Link to={`/events?key=${encodeURIComponent(key.id)}`}>Open in the auth log</Link> : null}
            </div>
            {result.data.events.length === 0 ? (
              <Empty title="No authentications with this key yet" />
            ) : (
              <div className="table-wrap">
                <EventsTable events={result.data.events} caption="Recent authentications with this key (newest first)" />
              </div>
            )}
          </section>

          {modal === "verify" ? (
            <VerifyDialog
              keyData={key}
              onClose={() => setModal(null)}
              onVerified={(k) => {
                setModal(null);
                setKey(k);
              }}
            />
          ) : null}
          {modal === "revoke" ? (
            <RevokeDialog
              keyData={key}
              onClose={() => setModal(null)}
              onRevoked={(k) => {
                setModal(null);
                setKey(k);
                focusActionIn(() => document.querySelector(".page-head .actions")?.parentElement ?? null);
              }}
            />
          ) : null}
          {modal === "delete" ? (
            <DeleteDialog
              keyData={key}
              onClose={() => setModal(null)}
              onDeleted={() => {
                navigate(back, { replace: true });
                focusActionIn(() => null);
              }}
            />
          ) : null}
        </>
      )}
    </main>
  );
}

function ExpiryEditor(props: { keyData: Key; onSaved: (key: Key) => void }) {
  const k = props.keyData;
  const [value, setValue] = useState(toDateInput(k.expiresAt));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const current = toDateInput(k.expiresAt);
  const save = async (date: string) => {
    setBusy(true);
    setError(null);
    try {
      const { key } = await updateKey(k.id, { expiresAt: date ? endOfDayIso(date) : null });
      props.onSaved(key);
      setValue(toDateInput(key.expiresAt));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="expiry">
      <div>
        {k.expiresAt ? (
          <>
            <RelativeTime at={k.expiresAt} /> <span className="muted small">({formatExact(k.expiresAt)})</span>
          </>
        ) : (
          <span className="muted">Never</span>
        )}
      </div>
      {k.status !== "revoked" && k.origin !== "ldap" ? (
        <form
          className="inline-edit"
          onSubmit={(event) => {
            event.preventDefault();
            void save(value);
          }}
        >
          <label className="sr-only" htmlFor="expiry-date">
            Expiry date
          </label>
          <input id="expiry-date" type="date" value={value} onChange={(event) => setValue(event.target.value)} disabled={busy} />
          <button type="submit" className="button small" disabled={busy || value === current}>
            {busy ? "Saving…" : "Set expiry"}
          </button>
          {k.expiresAt ? (
            <button type="button" className="button small subtle" disabled={busy} onClick={() => void save("")}>
              Never expire
            </button>
          ) : null}
        </form>
      ) : null}
      <FormError error={error} />
    </div>
  );
}
