import { ErrorBox } from "./states";

interface Props {
  /** Rows shown so far. */
  count: number;
  /** Singular and plural of what the rows are, e.g. ["key", "keys"]. */
  noun: [string, string];
  /** From usePagedList. */
  nextCursor: string | null;
  loadingMore: boolean;
  loadMoreError: unknown;
  loadMore: () => void;
  /** Button text (default "Load more"). */
  label?: string;
}

/** The foot of a paged table: how many rows are shown (all of them, once no page is left) and the button for the next page. */
export function LoadMoreFooter({ count, noun, nextCursor, loadingMore, loadMoreError, loadMore, label = "Load more" }: Props) {
  return (
    <div className="table-foot">
      <span className="muted">
        Showing {count.toLocaleString()} {count === 1 ? noun[0] : noun[1]}
        {nextCursor ? "" : " (all)"}
      </span>
      {nextCursor ? (
        <button type="button" className="button" onClick={loadMore} disabled={loadingMore}>
          {loadingMore ? "Loading…" : label}
        </button>
      ) : null}
      {loadMoreError ? <ErrorBox error={loadMoreError} retry={loadMore} /> : null}
    </div>
  );
}
