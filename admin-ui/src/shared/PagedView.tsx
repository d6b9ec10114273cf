import type { ReactNode } from "react";
import { LoadMoreFooter } from "./LoadMoreFooter";
import { ErrorBox, Loading } from "./states";
import type { PagedList } from "./usePagedList";

/**
 * The states of a paged table: the first page failing or loading, an empty list, then the
 * table (dimmed while it reloads) with its "Load more" foot.
 */
export function PagedView<T>(props: {
  list: PagedList<T>;
  /** e.g. "The keys cannot be loaded". */
  errorTitle: string;
  loadingLabel: string;
  /** Shown when the list is empty (e.g. <Empty title="No users yet" />). */
  empty: ReactNode;
  /** Singular and plural of what the rows are, e.g. ["key", "keys"]. */
  noun: [string, string];
  loadMoreLabel?: string;
  /** The table. */
  children: ReactNode;
}) {
  const { result, reload, items } = props.list;
  if (result.state === "error" && !result.data) return <ErrorBox error={result.error} retry={reload} title={props.errorTitle} />;
  if (!result.data) return <Loading label={props.loadingLabel} />;
  if (items.length === 0) return <>{props.empty}</>;
  return (
    <>
      {result.state === "error" ? <ErrorBox error={result.error} retry={reload} title="Refreshing failed" /> : null}
      <div className={`table-wrap ${result.state === "loading" ? "stale" : ""}`}>{props.children}</div>
      <LoadMoreFooter
        count={items.length}
        noun={props.noun}
        nextCursor={props.list.nextCursor}
        loadingMore={props.list.loadingMore}
        loadMoreError={props.list.loadMoreError}
        loadMore={props.list.loadMore}
        {...(props.loadMoreLabel === undefined ? {} : { label: props.loadMoreLabel })}
      />
    </>
  );
}
