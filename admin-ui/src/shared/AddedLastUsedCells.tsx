import { RelativeTime } from "./RelativeTime";

/** The "Added" and "Last used" cells of a row of something trusted (a CA, a JWKS URL). */
export function AddedLastUsedCells(props: { createdAt: string; lastUsedAt: string | null }) {
  return (
    <>
      <td data-label="Added" className="cell-nowrap">
        <RelativeTime at={props.createdAt} disclose />
      </td>
      <td data-label="Last used" className="cell-last-used">
        {props.lastUsedAt ? <RelativeTime at={props.lastUsedAt} disclose /> : <span className="muted">Never used</span>}
      </td>
    </>
  );
}
