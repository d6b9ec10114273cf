import { useEffect, useState } from "react";
import { auditCsvUrl, listAudit, type AuditQuery } from "../api/audit";
import type { AuditLogEntry } from "../api/contract";
import { auditActionNames, auditActions } from "../../../strategy/contract/audit-actions.js";
import { formatExact } from "../shared/format";
import { badTimeRange, TimeRangeFields } from "../shared/TimeRangeFields";
import { navigate, useLocation, useTitle } from "../shared/router";
import { PagedView } from "../shared/PagedView";
import { PageHead } from "../shared/PageHead";
import { RelativeTime } from "../shared/RelativeTime";
import { Empty } from "../shared/states";
import { usePagedList } from "../shared/usePagedList";

const filterNames = ["action", "actor", "target", "from", "to"] as const;
type FilterName = (typeof filterNames)[number];
type Filters = Record<FilterName, string>;
const noFilters: Filters = { action: "", actor: "", target: "", from: "", to: "" };

const pageSize = 50;
/** The groups of the action filter: every action under "key.", "user.", … */
const actionGroups = [...new Set(auditActionNames.map((a) => a.split(".")[0]!))];

function actorLabel(actor: AuditLogEntry["actor"]): string {
  if (actor.type === "user") return actor.name;
  return actor.type === "cli" ? `CLI (${actor.name})` : `System (${actor.name})`;
}

const shown = (value: unknown) => (value === null || value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value));

/** What changed, one line per field: before → after; a created or deleted target lists its fields. */
function ChangeCell({ entry }: { entry: AuditLogEntry }) {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  if (fields.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="audit-change">
      {fields.map((field) => (
        <div key={field}>
          <dt>{field}</dt>
          <dd>
            {entry.before && entry.after && shown(before[field]) !== shown(after[field]) ? (
              <>
                <del>{shown(before[field])}</del> → <ins>{shown(after[field])}</ins>
              </>
            ) : (
              shown(entry.after ? after[field] : before[field])
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Admin: who changed what, newest first, filtered through the URL (?action=key.&actor=…), exported as CSV. */
export function AuditPage() {
  useTitle("Audit log");
  const { query } = useLocation();
  const applied: Filters = Object.fromEntries(filterNames.map((n) => [n, query.get(n) ?? ""])) as Filters;
  const appliedKey = filterNames.map((n) => applied[n]).join("\u0000");
  const [draft, setDraft] = useState<Filters>(applied);
  useEffect(() => setDraft(applied), [appliedKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const filters: Omit<AuditQuery, "cursor" | "limit"> = {
    action: applied.action || undefined,
    actor: applied.actor || undefined,
    target: applied.target || undefined,
    from: applied.from || undefined,
    to: applied.to || undefined,
  };
  const list = usePagedList((cursor, signal) => listAudit({ ...filters, cursor, limit: pageSize }, signal), [appliedKey]);
  const active = filterNames.filter((n) => applied[n]);

  function apply(next: Filters) {
    if (badTimeRange(next)) return;
    const params = new URLSearchParams();
    for (const n of filterNames) if (next[n].trim()) params.set(n, next[n].trim());
    const text = params.toString();
    navigate(`/audit${text ? `?${text}` : ""}`);
  }
  const set = (name: FilterName) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value }));

  return (
    <main className="page" id="main">
      <PageHead title="Audit log" description="Who changed which key, user, certificate authority or setting, from where, and what changed; newest first.">
        <a className="button" href={auditCsvUrl(filters)} download>
          Export CSV
        </a>
        <button type="button" className="button" onClick={list.reload}>
          Refresh
        </button>
      </PageHead>

      <form
        className="filters card"
        aria-label="Filter the audit log"
        onSubmit={(event) => {
          event.preventDefault();
          apply(draft);
        }}
      >
        <label className="field">
          <span className="label">Action</span>
          <select value={draft.action} onChange={set("action")}>
            <option value="">Any</option>
            {actionGroups.map((group) => (
              <optgroup key={group} label={group}>
                <option value={`${group}.`}>Every {group} action</option>
                {auditActionNames
                  .filter((a) => a.startsWith(`${group}.`))
                  .map((a) => (
                    <option key={a} value={a}>
                      {auditActions[a]}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="label">Actor</span>
          <input value={draft.actor} onChange={set("actor")} placeholder="username or OS user" autoCapitalize="off" spellCheck={false} />
        </label>
        <label className="field">
          <span className="label">Target</span>
          <input value={draft.target} onChange={set("target")} placeholder="username, SHA256:… or CA name" autoCapitalize="off" spellCheck={false} />
        </label>
        <TimeRangeFields draft={draft} setDraft={setDraft} />
        <div className="filter-actions">
          <button type="submit" className="button primary" disabled={badTimeRange(draft)}>
            Apply filters
          </button>
          {active.length > 0 ? (
            <button type="button" className="button subtle" onClick={() => apply(noFilters)}>
              Clear
            </button>
          ) : null}
        </div>
      </form>

      <PagedView
        list={list}
        errorTitle="The audit log cannot be loaded"
        loadingLabel="Loading the audit log…"
        noun={["entry", "entries"]}
        loadMoreLabel="Load older entries"
        empty={
          <Empty title={active.length ? "No entries match these filters" : "No changes recorded yet"}>
            {active.length ? null : <p>Entries appear here when someone adds, changes or removes a key, a user or a trusted authority.</p>}
          </Empty>
        }
      >
        <table className="responsive audit-table">
          <caption className="sr-only">Audit entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Actor</th>
              <th scope="col">Target</th>
              <th scope="col">Change</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((e) => (
              <tr key={e.id} data-action={e.action}>
                <td data-label="When">
                  <RelativeTime at={e.at} extra={[]} />
                  <div className="sub mono small">{formatExact(e.at)}</div>
                </td>
                <td data-label="Action">
                  <button type="button" className="link-button" onClick={() => apply({ ...applied, action: e.action })} title={`Only ${e.action}`}>
                    {e.label}
                  </button>
                </td>
                <td data-label="Actor">
                  <button type="button" className="link-button" onClick={() => apply({ ...applied, actor: e.actor.name })} title={`Only ${e.actor.name}`}>
                    {actorLabel(e.actor)}
                  </button>
                </td>
                <td data-label="Target">
                  <span className="muted small">{e.target.type}</span>{" "}
                  {e.target.name ? (
                    <button
                      type="button"
                      className="link-button mono"
                      onClick={() => apply({ ...applied, target: e.target.name ?? "" })}
                      title={`Only ${e.target.name}`}
                    >
                      {e.target.name}
                    </button>
                  ) : null}
                </td>
                <td data-label="Change">
                  <ChangeCell entry={e} />
                </td>
                <td data-label="From">
                  {e.ip ?? <span className="muted">—</span>}
                  {e.userAgent ? <div className="sub small muted">{e.userAgent}</div> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </PagedView>
    </main>
  );
}
