import { useState } from "react";
import type { Key, KeyStatus } from "../api/contract";
import { listKeys, type KeyQuery } from "../api/lists";
import { useSession } from "../session/SessionContext";
import { PlusIcon, TrashIcon } from "../shared/icons";
import { Fingerprint } from "../shared/Fingerprint";
import { keyTypeLabel, schemeLabel } from "../shared/format";
import { RelativeTime } from "../shared/RelativeTime";
import { Link, navigate, useLocation, useTitle } from "../shared/router";
import { PagedView } from "../shared/PagedView";
import { PageHead } from "../shared/PageHead";
import { SearchToolbar } from "../shared/SearchToolbar";
import { Empty } from "../shared/states";
import { KeyOptions } from "../shared/KeyOptions";
import { SecurityKeyBadge } from "../shared/SecurityKeyBadge";
import { StatusBadge } from "../shared/StatusBadge";
import { TableHead } from "../shared/TableHead";
import { useNow } from "../shared/useNow";
import { Flash, useFlash } from "../shared/flash";
import { usePagedList } from "../shared/usePagedList";
import { focusActionIn, keyRowOf } from "../shared/focus";
import { AddKeysDialog } from "./AddKeysDialog";
import { CertificateLogins } from "./CertificateLogins";
import { ImportKeysDialog, reportSummary } from "./ImportKeysDialog";
import { JwksEndpoints } from "./JwksEndpoints";
import { KeySources } from "./KeySources";
import { SourceBadge } from "./SourceBadge";
import { VerifyDialog } from "./VerifyDialog";
import { DeleteDialog } from "./DeleteDialog";
import { InlineComment } from "./InlineComment";
import { RevokeDialog } from "./RevokeDialog";

type Modal = { kind: "add" } | { kind: "import" } | { kind: "verify"; key: Key } | { kind: "revoke"; key: Key } | { kind: "delete"; key: Key } | null;

/** The keys table: yours, or (admins) anyone's via ?user= / ?all=1. Filters live in the URL. */
export function KeysPage() {
  const { me } = useSession();
  const { query } = useLocation();
  const all = me.isAdmin && query.get("all") === "1";
  const user = me.isAdmin ? (query.get("user") ?? (all ? "" : me.user.username)) : me.user.username;
  const status = (query.get("status") ?? "") as KeyStatus | "";
  const q = query.get("q") ?? "";
  const [modal, setModal] = useState<Modal>(null);
  const [flash, setFlash] = useFlash();
  // Bumped after an import, so the sources card reloads with the new source.
  const [sourcesVersion, setSourcesVersion] = useState(0);
  const now = useNow();
  const mine = user === me.user.username;
  useTitle(mine ? "Your SSH keys" : user ? `SSH keys of ${user}` : "All SSH keys");

  const filters: KeyQuery = { user: user || undefined, status: status || undefined, q: q || undefined, limit: 50 };
  const list = usePagedList((cursor, signal) => listKeys({ ...filters, cursor }, signal), [user, status, q]);
  const { reload, updateItems } = list;

  function setFilter(changes: Record<string, string | null>) {
    const params = new URLSearchParams(query);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null || value === "") params.delete(name);
      else params.set(name, value);
    }
    const text = params.toString();
    navigate(`/keys${text ? `?${text}` : ""}`, { replace: true });
  }

  const replaceKey = (key: Key) => updateItems((keys) => keys.map((k) => (k.id === key.id ? key : k)));
  const removeKey = (id: string) => updateItems((keys) => keys.filter((k) => k.id !== id));

  const filtered = Boolean(q || status);

  return (
    <main className="page" id="main">
      <PageHead
        title={mine ? "SSH keys" : user ? `SSH keys of ${user}` : "All SSH keys"}
        description={
          mine
            ? "Keys that can sign you in to this service, with when, where from and how each was last used."
            : "Keys of every user. Changes you make here apply to the owner's keys."
        }
      >
        <div className="actions">
          {user ? (
            <button type="button" className="button" onClick={() => setModal({ kind: "import" })}>
              Import from GitHub/GitLab/URL
            </button>
          ) : null}
          <button type="button" className="button primary" onClick={() => setModal({ kind: "add" })}>
            <PlusIcon /> Add keys{user && !mine ? ` for ${user}` : ""}
          </button>
        </div>
      </PageHead>

      <Flash message={flash} />

      <SearchToolbar
        id="key-search"
        label="Search keys"
        value={q}
        placeholder={me.isAdmin && !mine ? "Search name, fingerprint, type, user…" : "Search name, fingerprint, type…"}
        onSearch={(text) => setFilter({ q: text || null })}
      >
        <label className="inline-field">
          <span>Status</span>
          <select value={status} onChange={(event) => setFilter({ status: event.target.value || null })}>
            <option value="">Any</option>
            <option value="active">Active</option>
            <option value="expired">Expired</option>
            <option value="revoked">Revoked</option>
            <option value="unverified">Unverified</option>
          </select>
        </label>
        {me.isAdmin ? (
          <label className="inline-field">
            <span>Owner</span>
            <select
              value={all && !query.get("user") ? "*" : mine ? "me" : "other"}
              onChange={(event) => {
                const v = event.target.value;
                if (v === "me") setFilter({ all: null, user: null });
                else if (v === "*") navigate("/inventory");
              }}
            >
              <option value="me">Me</option>
              <option value="*">Everyone</option>
              {!mine && user ? <option value="other">{user}</option> : null}
            </select>
          </label>
        ) : null}
      </SearchToolbar>

      <PagedView
        list={list}
        errorTitle="The keys cannot be loaded"
        loadingLabel="Loading keys…"
        noun={["key", "keys"]}
        empty={
          filtered ? (
            <Empty title="No keys match these filters">
              <button type="button" className="button" onClick={() => setFilter({ q: null, status: null })}>
                Clear filters
              </button>
            </Empty>
          ) : (
            <Empty title={mine ? "You have no SSH keys yet" : user ? `${user} has no SSH keys yet` : "No SSH keys yet"}>
              <p>
                Create one with <code>ssh-keygen -t ed25519</code>, then add the public half (<code>~/.ssh/id_ed25519.pub</code>).
              </p>
              <button type="button" className="button primary" onClick={() => setModal({ kind: "add" })}>
                Add keys
              </button>
            </Empty>
          )
        }
      >
        <table className="keys-table responsive">
          <TableHead
            caption="SSH keys"
            columns={["Key", "Fingerprint (SHA256)", "Source", "Added", "Last used", { label: "Uses", num: true }, "Expires", "Status"]}
          />
          <tbody>
            {list.items.map((key) => (
              <KeyRow
                key={key.id}
                keyData={key}
                now={now}
                showOwner={!mine}
                onSaved={replaceKey}
                onVerify={() => setModal({ kind: "verify", key })}
                onRevoke={() => setModal({ kind: "revoke", key })}
                onDelete={() => setModal({ kind: "delete", key })}
              />
            ))}
          </tbody>
        </table>
      </PagedView>

      {user ? <CertificateLogins username={user} mine={mine} /> : null}
      {user ? <JwksEndpoints username={user} mine={mine} /> : null}
      {user ? <KeySources username={user} mine={mine} version={sourcesVersion} onSynced={reload} /> : null}

      {modal?.kind === "add" ? (
        <AddKeysDialog
          username={user && !mine ? user : undefined}
          onClose={() => setModal(null)}
          onAdded={(added) => {
            setModal(null);
            setFlash(`Added ${added.length === 1 ? "1 key" : `${added.length} keys`}.`);
            reload();
          }}
        />
      ) : null}
      {modal?.kind === "import" ? (
        <ImportKeysDialog
          username={user && !mine ? user : undefined}
          onClose={() => setModal(null)}
          onImported={(report) => {
            setModal(null);
            setFlash(reportSummary(report));
            setSourcesVersion((v) => v + 1);
            reload();
          }}
        />
      ) : null}
      {modal?.kind === "verify" ? (
        <VerifyDialog
          keyData={modal.key}
          onClose={() => setModal(null)}
          onVerified={(key) => {
            setModal(null);
            replaceKey(key);
            setFlash(`Verified ${key.comment || key.fingerprintSha256}: it signs in now.`);
          }}
        />
      ) : null}
      {modal?.kind === "revoke" ? (
        <RevokeDialog
          keyData={modal.key}
          onClose={() => setModal(null)}
          onRevoked={(key) => {
            setModal(null);
            replaceKey(key);
            setFlash(`Revoked ${key.comment || key.fingerprintSha256}.`);
            focusActionIn(keyRowOf(key.id));
          }}
        />
      ) : null}
      {modal?.kind === "delete" ? (
        <DeleteDialog
          keyData={modal.key}
          onClose={() => setModal(null)}
          onDeleted={(id) => {
            const at = list.items.findIndex((k) => k.id === id);
            const neighbour = list.items[at + 1] ?? list.items[at - 1];
            setModal(null);
            removeKey(id);
            focusActionIn(keyRowOf(neighbour?.id));
            setFlash(`Deleted ${modal.key.comment || modal.key.fingerprintSha256}.`);
          }}
        />
      ) : null}
    </main>
  );
}

function KeyRow(props: {
  keyData: Key;
  now: number;
  showOwner: boolean;
  onSaved: (key: Key) => void;
  onVerify: () => void;
  onRevoke: () => void;
  onDelete: () => void;
}) {
  const k = props.keyData;
  const lastUsedExtra = [k.lastUsedIp ? `from ${k.lastUsedIp}` : null, k.lastUsedScheme ? `via ${schemeLabel(k.lastUsedScheme)}` : null].filter(
    (x): x is string => Boolean(x),
  );
  return (
    <tr className={k.status === "revoked" ? "row-revoked" : undefined} data-key-id={k.id}>
      <td data-label="Key" className="cell-key">
        <InlineComment keyData={k} onSaved={props.onSaved} detailPath={`/keys/${encodeURIComponent(k.id)}`} />
        <div className="sub">
          <span className="type-pill">{keyTypeLabel(k.type)}</span> {k.bits} bits <SecurityKeyBadge securityKey={k.securityKey} />{" "}
          <KeyOptions options={k.options} compact />
          {props.showOwner ? (
            <>
              {" · "}
              <Link to={`/keys?user=${encodeURIComponent(k.username)}`}>{k.username}</Link>
            </>
          ) : null}
        </div>
      </td>
      <td data-label="Fingerprint">
        <Fingerprint value={k.fingerprintSha256} compact />
      </td>
      <td data-label="Source">
        <SourceBadge keyData={k} />
      </td>
      <td data-label="Added" className="cell-nowrap">
        <RelativeTime at={k.createdAt} disclose />
      </td>
      <td data-label="Last used" className="cell-last-used">
        {k.lastUsedAt ? (
          <>
            <RelativeTime at={k.lastUsedAt} extra={lastUsedExtra} disclose />
            <div className="sub">
              {k.lastUsedScheme ? <span className="scheme-pill">{schemeLabel(k.lastUsedScheme)}</span> : null} {k.lastUsedIp ?? ""}
            </div>
          </>
        ) : (
          <span className="muted">Never used</span>
        )}
      </td>
      <td data-label="Uses" className="num cell-uses">
        {k.useCount.toLocaleString()}
      </td>
      <td data-label="Expires" className="cell-nowrap">
        {k.expiresAt ? <RelativeTime at={k.expiresAt} disclose /> : <span className="muted">Never</span>}
      </td>
      <td data-label="Status">
        <StatusBadge keyData={k} now={props.now} />
        {k.status === "revoked" && k.revokedReason ? (
          <details className="sub reason-disclosure">
            {/* Truncated while closed; open (click, Enter or a tap) it wraps to the full reason. */}
            <summary className="truncate">{k.revokedReason}</summary>
          </details>
        ) : null}
      </td>
      <td className="cell-actions">
        <div className="actions">
          {k.status === "unverified" ? (
            <button type="button" className="button small" onClick={props.onVerify} aria-label={`Verify ${k.comment || k.fingerprintSha256}`}>
              Verify
            </button>
          ) : null}
          {k.status !== "revoked" ? (
            <button type="button" className="button small danger-outline" onClick={props.onRevoke} aria-label={`Revoke ${k.comment || k.fingerprintSha256}`}>
              Revoke
            </button>
          ) : null}
          {k.origin === "ldap" ? (
            <span className="badge ldap-badge" title="Managed by LDAP: change or remove it there">
              LDAP
            </span>
          ) : (
            <button
              type="button"
              className="icon-button danger-icon"
              onClick={props.onDelete}
              aria-label={`Delete ${k.comment || k.fingerprintSha256}`}
              title="Delete key"
            >
              <TrashIcon />
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
