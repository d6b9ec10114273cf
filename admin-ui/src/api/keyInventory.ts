import { api, withQuery, type Query } from "./client";
import type { Key, KeyBulkRevokeResult, KeyListQuery, KeyTotals } from "./contract";
import { basePath } from "../shared/base-path";
import type { Page } from "./lists";

export type InventoryQuery = Omit<KeyListQuery, "limit"> & { limit?: number | undefined };

/** A page of the key inventory with the totals of its filter and whether the search named one key. */
export interface InventoryPage extends Page<Key> {
  totals: KeyTotals;
  identity: boolean;
}

export async function listInventory(query: InventoryQuery, signal?: AbortSignal): Promise<InventoryPage> {
  const body = await api<{ keys: Key[]; nextCursor: string | null; totals: KeyTotals; identity: boolean }>(
    "GET",
    withQuery("/keys", query as Query),
    undefined,
    signal,
  );
  return { items: body.keys, nextCursor: body.nextCursor, totals: body.totals, identity: body.identity };
}

/** Where the CSV of the same filtered, sorted list downloads from (a plain link: the session cookie goes along). */
export function inventoryCsvUrl(query: Omit<InventoryQuery, "cursor" | "limit">): string {
  return `${basePath}/api${withQuery("/keys/export.csv", query as Query)}`;
}

export const revokeKeys = (ids: string[], reason: string) =>
  api<{ results: KeyBulkRevokeResult[] }>("POST", "/keys/revoke", reason ? { ids, reason } : { ids }).then((r) => r.results);
