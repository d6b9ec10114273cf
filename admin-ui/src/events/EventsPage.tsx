import { useEffect, useState } from "react";
import { authLogCsvUrl, listAuthLog, type AuthLogPage, type AuthLogQuery } from "../api/authLog";
import { CertificateLabel } from "../shared/CertificateLabel";
import { EventsTable } from "../shared/EventsTable";
import { plural } from "../shared/format";
import { badTimeRange, TimeRangeFields } from "../shared/TimeRangeFields";
import { Link, navigate, useLocation, useTitle } from "../shared/router";
import { PagedView } from "../shared/PagedView";
import { PageHead } from "../shared/PageHead";
import { Empty } from "../shared/states";
import { usePagedList } from "../shared/usePagedList";

const filterNames = ["user", "key", "scheme", "outcome", "from", "to"] as const;
type FilterName = (typeof filterNames)[number];
type Filters = Record<FilterName, string>;

const pageSize = 50;

/** Admin: every authentication attempt, newest first, filtered through the URL (?user=&outcome=…). */
export function EventsPage() {
  useTitle("Authentication log");
  const { query } = useLocation();
  const applied: Filters = Object.fromEntries(filterNames.map((n) => [n, query.get(n) ?? ""])) as Filters;
  const appliedKey = filterNames.map((n) => applied[n]).join("\u0000");
  const [draft, setDraft] = useState<Filters>(applied);
  useEffect(() => setDraft(applied), [appliedKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const filters: Omit<AuthLogQuery, "cursor" | "limit"> = {
    user: applied.user || undefined,
    key: applied.key || undefined,
    scheme: applied.scheme || undefined,
    outcome: (applied.outcome || undefined) as AuthLogQuery["outcome"],
    from: applied.from || undefined,
    to: applied.to || undefined,
  };
  const list = usePagedList((cursor, signal) => listAuthLog({ ...filters, cursor, limit: pageSize }, signal), [appliedKey]);
  const page = list.result.data as AuthLogPage | undefined;
  const active = filterNames.filter((n) => applied[n]);
  // Said before asking: a range that ends before it starts matches nothing (the API refuses it too).
  const badRange = badTimeRange(draft);

  function apply(filters: Filters) {
    if (badTimeRange(filters)) return;
    const params = new URLSearchParams();
    for (const n of filterNames) if (filters[n].trim()) params.set(n, filters[n].trim());
    const text = params.toString();
    navigate(`/events${text ? `?${text}` : ""}`);
  }
  const set = (name: FilterName) => (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value }));

  return (
    <main className="page" id="main">
      <PageHead title="Authentication log" description="Every sign-in attempt by any scheme, successful or not, newest first.">
        <div className="actions">
          <a className="button" href={authLogCsvUrl(filters)} download>
            Export CSV
          </a>
          <button type="button" className="button" onClick={list.reload}>
            Refresh
          </button>
        </div>
      </PageHead>

      <form
        className="filters card"
        aria-label="Filter the log"
        onSubmit={(event) => {
          event.preventDefault();
          apply(draft);
        }}
      >
        <label className="field">
          <span className="label">User</span>
          <input value={draft.user} onChange={set("user")} placeholder="part of a username" autoCapitalize="off" spellCheck={false} />
        </label>
        <label className="field">
          <span className="label">Key</span>
          <input value={draft.key} onChange={set("key")} placeholder="SHA256:… / MD5:… fingerprint, public key or id" autoCapitalize="off" spellCheck={false} />
        </label>
        <label className="field">
          <span className="label">Scheme</span>
          <select value={draft.scheme} onChange={set("scheme")}>
            <option value="">Any</option>
            <option value="jwt">JWT (asymmetric-jwt-auth)</option>
            <option value="sshauth">sshauth</option>
            <option value="crtauth">crtauth</option>
            <option value="sshsig">SSHSIG</option>
            <option value="rfc9421">HTTP Message Signatures</option>
            <option value="console">Console sign-ins</option>
          </select>
        </label>
        <label className="field">
          <span className="label">Outcome</span>
          <select value={draft.outcome} onChange={set("outcome")}>
            <option value="">Any</option>
            <option value="success">Success</option>
            <option value="failure">Failure</option>
            <option value="alarm">Alarm</option>
          </select>
        </label>
        <TimeRangeFields draft={draft} setDraft={setDraft} />
        <div className="filter-actions">
          <button type="submit" className="button primary" disabled={badRange}>
            Apply filters
          </button>
          {active.length > 0 ? (
            <button type="button" className="button subtle" onClick={() => apply({ user: "", key: "", scheme: "", outcome: "", from: "", to: "" })}>
              Clear
            </button>
          ) : null}
        </div>
      </form>

      {page ? (
        <div className="totals" role="status">
          <span className="totals-count">
            <strong>{plural(page.totals.matching, "event")}</strong> {active.length ? (page.totals.matching === 1 ? "matches" : "match") : "in all"}
          </span>
          <span className="chip">success {page.totals.byOutcome.success.toLocaleString()}</span>
          <span className="chip">failure {page.totals.byOutcome.failure.toLocaleString()}</span>
          {page.totals.byOutcome.alarm ? <span className="chip">alarm {page.totals.byOutcome.alarm.toLocaleString()}</span> : null}
        </div>
      ) : null}
      {page?.notices.map((n) => (
        <p key={n.filter} className="notice" role="note">
          {n.message}
        </p>
      ))}

      <PagedView
        list={list}
        errorTitle="The log cannot be loaded"
        loadingLabel="Loading the log…"
        noun={["event", "events"]}
        loadMoreLabel="Load older events"
        empty={
          <Empty title={active.length ? "No events match these filters" : "No authentication attempts yet"}>
            {active.length ? null : <p>Attempts appear here as soon as someone signs a request with an SSH key.</p>}
          </Empty>
        }
      >
        <EventsTable
          events={list.items}
          caption="Authentication events, newest first"
          exactTimes
          columns={[
            {
              header: "User",
              cell: (e) => (
                <>
                  {e.username ? (
                    <button type="button" className="link-button" onClick={() => apply({ ...applied, user: e.username ?? "" })} title={`Only ${e.username}`}>
                      {e.username}
                    </button>
                  ) : (
                    <span className="muted">—</span>
                  )}
                  {e.username && !e.userId ? (
                    <span className="muted small" title="The name the request claimed; no registered key of that user proved it">
                      {" "}
                      (claimed)
                    </span>
                  ) : null}
                </>
              ),
            },
            {
              header: "Key",
              cell: (e) =>
                e.certificate ? (
                  <CertificateLabel certificate={e.certificate} />
                ) : e.jwks ? (
                  <span className="jwks-event" title={e.jwks.url}>
                    JWKS <code>{e.jwks.kid}</code>
                  </span>
                ) : e.keyId ? (
                  <Link to={`/keys/${encodeURIComponent(e.keyId)}`} title={e.keyFingerprint ?? undefined}>
                    {e.keyComment || <code>{shortFingerprint(e.keyFingerprint)}</code>}
                  </Link>
                ) : (
                  <span className="muted">—</span>
                ),
            },
          ]}
        />
      </PagedView>
    </main>
  );
}

function shortFingerprint(fp: string | null): string {
  if (!fp) return "key";
  return fp.length > 20 ? `${fp.slice(0, 18)}…` : fp;
}
