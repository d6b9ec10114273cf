import { useEffect, useState } from "react";
import type { Key, KeySortColumn, KeyStatus } from "../api/contract";
import { inventoryCsvUrl, listInventory, type InventoryPage as InventoryPageData, type InventoryQuery } from "../api/keyInventory";
import { Fingerprint } from "../shared/Fingerprint";
import { Flash, useFlash } from "../shared/flash";
import { keyTypeLabel, plural } from "../shared/format";
import { PagedView } from "../shared/PagedView";
import { PageHead } from "../shared/PageHead";
import { RelativeTime } from "../shared/RelativeTime";
import { Link, navigate, useLocation, useTitle } from "../shared/router";
import { SearchToolbar } from "../shared/SearchToolbar";
import { Empty } from "../shared/states";
import { StatusBadge } from "../shared/StatusBadge";
import { useNow } from "../shared/useNow";
import { usePagedList } from "../shared/usePagedList";
import { sshKeyTypes } from "../../../strategy/keys/algorithms.js";
import { BulkRevokeDialog } from "./BulkRevokeDialog";
import { UserPicker } from "./UserPicker";

const filterNames = ["q", "user", "status", "type", "origin", "lastUsedBefore", "lastUsedAfter", "sort", "order", "limit"] as const;
type FilterName = (typeof filterNames)[number];
const pageSizes = ["50", "100", "250", "500"];
const statuses: KeyStatus[] = ["active", "expired", "revoked", "unverified"];

/** Sortable columns: heading, sort column, and the direction a first click sorts (newest, most used first). */
const columns: { label: string; sort: KeySortColumn; first: "asc" | "desc"; num?: true }[] = [
  { label: "Key", sort: "comment", first: "asc" },
  { label: "Owner", sort: "user", first: "asc" },
  { label: "Type", sort: "type", first: "asc" },
  { label: "Added", sort: "created", first: "desc" },
  { label: "Last used", sort: "lastUsed", first: "desc" },
  { label: "Uses", sort: "uses", first: "desc", num: true },
  { label: "Expires", sort: "expires", first: "asc" },
];

/**
 * Admin: every key of every user, sorted and filtered on the server (the URL holds it all), with
 * totals by state, a CSV of the same list, and bulk revocation. A search that is a fingerprint
 * or a public key goes straight to that key's page.
 */
export function InventoryPage() {
  useTitle("All SSH keys");
  const { query } = useLocation();
  const applied = Object.fromEntries(filterNames.map((n) => [n, query.get(n) ?? ""])) as Record<FilterName, string>;
  const appliedKey = filterNames.map((n) => applied[n]).join("\u0000");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [revoking, setRevoking] = useState(false);
  const [flash, setFlash] = useFlash();
  const now = useNow();

  const filters: Omit<InventoryQuery, "cursor" | "limit"> = {
    q: applied.q || undefined,
    user: applied.user || undefined,
    status: (applied.status || undefined) as KeyStatus | undefined,
    type: applied.type || undefined,
    origin: (applied.origin || undefined) as InventoryQuery["origin"],
    lastUsedBefore: applied.lastUsedBefore || undefined,
    lastUsedAfter: applied.lastUsedAfter || undefined,
    sort: (applied.sort || undefined) as KeySortColumn | undefined,
    order: (applied.order || undefined) as "asc" | "desc" | undefined,
  };
  const limit = Number(applied.limit) || 100;
  const list = usePagedList((cursor, signal) => listInventory({ ...filters, cursor, limit }, signal), [appliedKey]);
  const page = list.result.data as InventoryPageData | undefined;
  useEffect(() => setSelected(new Set()), [appliedKey]);

  // "Whose key is this?": a fingerprint or key that names exactly one key opens it.
  const only = page?.identity && page.items.length === 1 ? page.items[0] : undefined;
  useEffect(() => {
    if (only) navigate(`/keys/${encodeURIComponent(only.id)}`, { replace: true });
  }, [only]);

  function setFilter(changes: Partial<Record<FilterName, string | null>>) {
    const params = new URLSearchParams(query);
    for (const [name, value] of Object.entries(changes)) {
      if (value === null || value === undefined || value === "") params.delete(name);
      else params.set(name, value);
    }
    const text = params.toString();
    navigate(`/inventory${text ? `?${text}` : ""}`, { replace: true });
  }

  const sort = filters.sort ?? "created";
  const order = filters.order ?? "desc";
  const filtered = filterNames.some((n) => n !== "sort" && n !== "order" && n !== "limit" && applied[n]);
  const revocable = list.items.filter((k) => k.status !== "revoked");
  const chosen = list.items.filter((k) => selected.has(k.id));
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <main className="page" id="main">
      <PageHead title="All SSH keys" description="Every key of every user. Paste a fingerprint or a public key into the search to find whose key it is.">
        <div className="actions">
          <a className="button" href={inventoryCsvUrl(filters)} download>
            Export CSV
          </a>
          <button type="button" className="button danger-outline" disabled={chosen.length === 0} onClick={() => setRevoking(true)}>
            Revoke selected{chosen.length ? ` (${chosen.length})` : ""}
          </button>
        </div>
      </PageHead>

      <Flash message={flash} />

      <SearchToolbar
        id="inventory-search"
        label="Search keys, or paste a fingerprint or public key"
        value={applied.q}
        placeholder="Name, user, type, SHA256:… / MD5:… fingerprint, or a public key"
        onSearch={(text) => setFilter({ q: text || null })}
      >
        <label className="inline-field">
          <span>Type</span>
          <select value={applied.type} onChange={(e) => setFilter({ type: e.target.value || null })}>
            <option value="">Any</option>
            {[...sshKeyTypes.keys()].map((t) => (
              <option key={t} value={t}>
                {keyTypeLabel(t)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>Source</span>
          <select value={applied.origin} onChange={(e) => setFilter({ origin: e.target.value || null })}>
            <option value="">Any</option>
            <option value="upload">Uploaded</option>
            <option value="import">Imported</option>
            <option value="ldap">LDAP</option>
          </select>
        </label>
        <UserPicker value={applied.user} onChange={(user) => setFilter({ user: user || null })} />
        <label className="inline-field">
          <span>Used after</span>
          <input type="date" value={applied.lastUsedAfter} onChange={(e) => setFilter({ lastUsedAfter: e.target.value || null })} />
        </label>
        <label className="inline-field">
          <span>Used before</span>
          <input type="date" value={applied.lastUsedBefore} onChange={(e) => setFilter({ lastUsedBefore: e.target.value || null })} />
        </label>
        <label className="inline-field">
          <span>Per page</span>
          <select value={String(limit)} onChange={(e) => setFilter({ limit: e.target.value })}>
            {pageSizes.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
      </SearchToolbar>

      {page ? (
        <div className="totals" role="group" aria-label="Totals by status">
          <span className="totals-count">
            <strong>{plural(page.totals.matching, "key")}</strong> {filtered ? (page.totals.matching === 1 ? "matches" : "match") : "in all"}
          </span>
          <button type="button" className="chip" aria-pressed={!applied.status} onClick={() => setFilter({ status: null })}>
            All
          </button>
          {statuses.map((s) => (
            <button key={s} type="button" className="chip" aria-pressed={applied.status === s} onClick={() => setFilter({ status: s })}>
              {s} <span className="chip-count">{page.totals.byStatus[s].toLocaleString()}</span>
            </button>
          ))}
        </div>
      ) : null}

      <PagedView
        list={list}
        errorTitle="The keys cannot be loaded"
        loadingLabel="Loading keys…"
        noun={["key", "keys"]}
        empty={
          <Empty title={page?.identity ? "No stored key has this fingerprint" : filtered ? "No keys match these filters" : "No SSH keys yet"}>
            {filtered ? (
              <button type="button" className="button" onClick={() => navigate("/inventory", { replace: true })}>
                Clear filters
              </button>
            ) : null}
          </Empty>
        }
      >
        <table className="keys-table inventory-table responsive">
          <caption className="sr-only">All SSH keys, sorted by {columns.find((c) => c.sort === sort)?.label ?? sort}</caption>
          <thead>
            <tr>
              <th scope="col" className="cell-select">
                <input
                  type="checkbox"
                  aria-label="Select every key on the page that can be revoked"
                  checked={revocable.length > 0 && revocable.every((k) => selected.has(k.id))}
                  onChange={(e) => setSelected(new Set(e.target.checked ? revocable.map((k) => k.id) : []))}
                />
              </th>
              {columns.map((c) => (
                <th
                  key={c.sort}
                  scope="col"
                  className={c.num ? "num" : undefined}
                  aria-sort={sort === c.sort ? (order === "asc" ? "ascending" : "descending") : undefined}
                >
                  <button
                    type="button"
                    className="sort-button"
                    onClick={() => setFilter({ sort: c.sort, order: sort === c.sort ? (order === "asc" ? "desc" : "asc") : c.first })}
                  >
                    {c.label}
                    <span aria-hidden="true">{sort === c.sort ? (order === "asc" ? " ▲" : " ▼") : ""}</span>
                  </button>
                </th>
              ))}
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((k) => (
              <InventoryRow key={k.id} keyData={k} now={now} selected={selected.has(k.id)} onToggle={() => toggle(k.id)} />
            ))}
          </tbody>
        </table>
      </PagedView>

      {revoking ? (
        <BulkRevokeDialog
          keys={chosen.filter((k) => k.status !== "revoked")}
          onClose={() => setRevoking(false)}
          onDone={(summary) => {
            setRevoking(false);
            setFlash(summary);
            setSelected(new Set());
            list.reload();
          }}
        />
      ) : null}
    </main>
  );
}

function InventoryRow(props: { keyData: Key; now: number; selected: boolean; onToggle: () => void }) {
  const k = props.keyData;
  const name = k.comment || k.fingerprintSha256;
  return (
    <tr className={k.status === "revoked" ? "row-revoked" : undefined} data-key-id={k.id}>
      <td className="cell-select">
        <input type="checkbox" aria-label={`Select ${name}`} checked={props.selected} disabled={k.status === "revoked"} onChange={props.onToggle} />
      </td>
      <td data-label="Key" className="cell-key">
        <Link to={`/keys/${encodeURIComponent(k.id)}`}>{k.comment || <span className="muted">(no name)</span>}</Link>
        <div className="sub">
          <Fingerprint value={k.fingerprintSha256} compact />
        </div>
      </td>
      <td data-label="Owner">
        <Link to={`/keys?user=${encodeURIComponent(k.username)}`}>{k.username}</Link>
      </td>
      <td data-label="Type">
        {keyTypeLabel(k.type)} <span className="muted small">{k.bits}</span>
      </td>
      <td data-label="Added" className="cell-nowrap">
        <RelativeTime at={k.createdAt} />
      </td>
      <td data-label="Last used" className="cell-nowrap">
        {k.lastUsedAt ? <RelativeTime at={k.lastUsedAt} /> : <span className="muted">Never</span>}
      </td>
      <td data-label="Uses" className="num">
        {k.useCount.toLocaleString()}
      </td>
      <td data-label="Expires" className="cell-nowrap">
        {k.expiresAt ? <RelativeTime at={k.expiresAt} /> : <span className="muted">Never</span>}
      </td>
      <td data-label="Status">
        <StatusBadge keyData={k} now={props.now} />
        {k.revokedReason ? <div className="sub">{k.revokedReason}</div> : null}
      </td>
    </tr>
  );
}
