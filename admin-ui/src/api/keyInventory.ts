import { api, withQuery, type Query } from "./client";
import type { Key, KeyBulkRevokeResult, KeyListQuery, KeyTotals } from "./contract";
import { basePath } from "../shared/base-path";
import { pagedList, type ListQuery, type Page } from "./lists";

export type InventoryQuery = ListQuery<KeyListQuery>;

/** A page of the key inventory with the totals of its filter and whether the search named one key. */
export type InventoryPage = Page<Key> & { totals: KeyTotals; identity: boolean };

export const listInventory = pagedList<"keys", Key, KeyListQuery, { totals: KeyTotals; identity: boolean }>("/keys", "keys");

/** Where the CSV of the same filtered, sorted list downloads from (a plain link: the session cookie goes along). */
export function inventoryCsvUrl(query: Omit<InventoryQuery, "cursor" | "limit">): string {
  return `${basePath}/api${withQuery("/keys/export.csv", query as Query)}`;
}

export const revokeKeys = (ids: string[], reason: string) =>
  api<{ results: KeyBulkRevokeResult[] }>("POST", "/keys/revoke", reason ? { ids, reason } : { ids }).then((r) => r.results);
