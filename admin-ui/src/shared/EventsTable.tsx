import type { ReactNode } from "react";
import type { KeyEvent } from "../api/contract";
import { authReasonOf } from "../../../strategy/contract/auth-reasons.js";
import { formatExact, schemeLabel } from "./format";
import { RelativeTime } from "./RelativeTime";

const outcomeLabels: Record<KeyEvent["outcome"], string> = { success: "Success", failure: "Failure", alarm: "⚠ Alarm" };
const alarmTitle =
  "Not a sign-in of its own: a warning about the one next to it (e.g. a security key's signature counter went backwards: the key may have been cloned)";

/** A column the log adds to the key page's table (who, with which key), placed after Outcome. */
export interface EventColumn<E> {
  header: string;
  cell: (event: E) => ReactNode;
}

/** Authentication attempts, newest first: the auth log and a key's recent authentications. */
export function EventsTable<E extends KeyEvent>(props: {
  events: E[];
  caption: string;
  /** Shown after Outcome. */
  columns?: EventColumn<E>[];
  /** The exact time under the relative one (the log, where times are compared). */
  exactTimes?: boolean;
}) {
  const columns = props.columns ?? [];
  return (
    <table className="responsive events-table">
      <caption className="sr-only">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Outcome</th>
          {columns.map((c) => (
            <th scope="col" key={c.header}>
              {c.header}
            </th>
          ))}
          <th scope="col">Scheme</th>
          <th scope="col">IP</th>
          <th scope="col">Client</th>
        </tr>
      </thead>
      <tbody>
        {props.events.map((e) => (
          <tr key={e.id} data-outcome={e.outcome}>
            <td data-label="When">
              {props.exactTimes ? (
                <>
                  <RelativeTime at={e.at} extra={[]} />
                  <div className="sub mono small">{formatExact(e.at)}</div>
                </>
              ) : (
                <RelativeTime at={e.at} disclose />
              )}
            </td>
            <td data-label="Outcome">
              <span className={`badge outcome-${e.outcome}`} title={e.outcome === "alarm" ? alarmTitle : undefined}>
                {outcomeLabels[e.outcome]}
              </span>
              {e.errorCode ? <code className="error-code">{e.errorCode}</code> : null}
              {e.errorCode && authReasonOf(e.errorCode) ? <div className="sub reason">{authReasonOf(e.errorCode)}</div> : null}
            </td>
            {columns.map((c) => (
              <td data-label={c.header} key={c.header}>
                {c.cell(e)}
              </td>
            ))}
            <td data-label="Scheme">{schemeLabel(e.scheme)}</td>
            <td data-label="IP">
              <code>{e.ip ?? "—"}</code>
            </td>
            <td data-label="Client" className="truncate" title={e.userAgent ?? ""}>
              {e.userAgent ?? <span className="muted">—</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
