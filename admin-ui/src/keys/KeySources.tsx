import { useState } from "react";
import type { KeySource, KeySyncReport } from "../api/contract";
import { getKeySources, removeKeySource, syncKeySource } from "../api/keyImport";
import { Flash, useFlash } from "../shared/flash";
import { TrashIcon } from "../shared/icons";
import { RelativeTime } from "../shared/RelativeTime";
import { ErrorBox, FormError, Loading } from "../shared/states";
import { TableHead } from "../shared/TableHead";
import { useLoad } from "../shared/useLoad";
import { reportSummary } from "./ImportKeysDialog";

/** When the source was last synced, and why that failed (or when upstream lets us retry). */
function SyncStatus(props: { source: KeySource }) {
  const { lastSyncedAt, lastError, retryAfter } = props.source;
  if (!lastSyncedAt) return <span className="muted">Not synced yet</span>;
  return (
    <>
      <RelativeTime at={lastSyncedAt} />
      {lastError ? (
        <div className="sub key-source-error" role="note">
          {lastError}
        </div>
      ) : (
        <div className="sub">OK</div>
      )}
      {retryAfter ? (
        <div className="sub">
          Next try after <RelativeTime at={retryAfter} />
        </div>
      ) : null}
    </>
  );
}

/** Where a user's keys are imported from: last sync, its error, "Sync now" and "Remove" (the keys stay). */
export function KeySources(props: { username: string; mine: boolean; version: number; onSynced: () => void }) {
  const [result, reload, update] = useLoad((signal) => getKeySources(props.username, signal), [props.username, props.version]);
  const [flash, setFlash] = useFlash();
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const act = async (source: KeySource, action: () => Promise<void>) => {
    setActionError(null);
    setBusy(source.id);
    try {
      await action();
    } catch (error) {
      setActionError(error);
      reload();
    } finally {
      setBusy(null);
    }
  };
  const sync = (source: KeySource) =>
    act(source, async () => {
      const report: KeySyncReport = await syncKeySource(source.id);
      update((data) => ({ sources: data.sources.map((s) => (s.id === source.id ? report.source : s)) }));
      setFlash(reportSummary(report));
      props.onSynced();
    });
  const remove = (source: KeySource) =>
    act(source, async () => {
      await removeKeySource(source.id);
      update((data) => ({ sources: data.sources.filter((s) => s.id !== source.id) }));
      setFlash(`Removed ${source.ref}; its keys stay and are no longer synced.`);
      props.onSynced();
    });
  const sources = result.data?.sources ?? [];
  if (result.state === "ready" && sources.length === 0) return null;
  return (
    <section className="card key-sources" aria-labelledby="key-sources-title">
      <div className="card-head">
        <h2 id="key-sources-title">Import sources</h2>
      </div>
      <p className="muted">
        {props.mine ? "Your" : `${props.username}'s`} imported keys follow these lists: keys added there are imported (unverified), keys removed there are
        revoked here.
      </p>
      <Flash message={flash} />
      {result.state === "error" ? <ErrorBox error={result.error} retry={reload} title="The import sources cannot be loaded" /> : null}
      {result.state === "loading" && !result.data ? <Loading label="Loading import sources…" /> : null}
      {sources.length > 0 ? (
        <table className="responsive key-sources-table">
          <TableHead caption="Import sources" columns={["Source", "Last sync"]} />
          <tbody>
            {sources.map((s) => (
              <tr key={s.id} data-key-source={s.ref}>
                <td data-label="Source">
                  <code>{s.ref}</code>
                  {s.kind !== "url" ? <div className="sub">{s.url}</div> : null}
                </td>
                <td data-label="Last sync">
                  <SyncStatus source={s} />
                </td>
                <td className="cell-actions">
                  <div className="actions">
                    <button type="button" className="button small" disabled={busy === s.id} onClick={() => void sync(s)} aria-label={`Sync now: ${s.ref}`}>
                      {busy === s.id ? "Syncing…" : "Sync now"}
                    </button>
                    <button
                      type="button"
                      className="icon-button danger-icon"
                      disabled={busy === s.id}
                      onClick={() => void remove(s)}
                      aria-label={`Remove ${s.ref}`}
                      title="Remove source (its keys stay)"
                    >
                      <TrashIcon />
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <FormError error={actionError} />
    </section>
  );
}
