import { useEffect, useRef, useState } from "react";
import type { Page } from "../api/lists";
import { useLoad, type Load } from "./useLoad";

export interface PagedList<T> {
  result: Load<Page<T>>;
  reload: () => void;
  /** Every row loaded so far. */
  items: T[];
  nextCursor: string | null;
  loadingMore: boolean;
  loadMoreError: unknown;
  loadMore: () => void;
  /** Edits the loaded items in place (after a change the server confirmed), without reloading. */
  updateItems: (edit: (items: T[]) => T[]) => void;
}

/**
 * A cursor-paged list behind a "Load more" button. The first page is loaded like `useLoad` (again whenever `deps`
 * change, or on `reload()`), which also drops the pages added since; `loadMore()` appends the page after the last one.
 */
export function usePagedList<T>(fetchPage: (cursor: string | undefined, signal?: AbortSignal) => Promise<Page<T>>, deps: unknown[]): PagedList<T> {
  const [result, reload, update] = useLoad((signal) => fetchPage(undefined, signal), deps);
  // Pages after the first; cursor undefined = continue from the first page's cursor.
  const [more, setMore] = useState<{ items: T[]; cursor?: string | null; loading: boolean; error: unknown }>({ items: [], loading: false, error: null });
  // Bumped whenever the first page reloads, so a "Load more" answer for the old list is dropped.
  const generation = useRef(0);
  useEffect(() => {
    if (result.state !== "loading") return;
    generation.current++;
    setMore({ items: [], loading: false, error: null });
  }, [result.state]);

  const items = [...(result.data?.items ?? []), ...more.items];
  const nextCursor = more.cursor === undefined ? (result.data?.nextCursor ?? null) : more.cursor;

  async function loadMore() {
    if (!nextCursor) return;
    const started = generation.current;
    setMore((m) => ({ ...m, loading: true, error: null }));
    try {
      const page = await fetchPage(nextCursor);
      if (generation.current === started) setMore((m) => ({ items: [...m.items, ...page.items], cursor: page.nextCursor, loading: false, error: null }));
    } catch (error) {
      if (generation.current === started) setMore((m) => ({ ...m, loading: false, error }));
    }
  }

  const updateItems = (edit: (items: T[]) => T[]) => {
    update((page) => ({ ...page, items: edit(page.items) }));
    setMore((m) => ({ ...m, items: edit(m.items) }));
  };

  return {
    result,
    reload,
    items,
    nextCursor,
    loadingMore: more.loading,
    loadMoreError: more.error,
    loadMore: () => void loadMore(),
    updateItems,
  };
}
