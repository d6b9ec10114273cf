/**
 * The key inventory's sort orders: which columns, what value each reads from a key, and the one
 * order every adapter and cursor follows (nulls last in both directions, then the id in the
 * same direction, so rows with equal values still page once each). Pure: the contract and the
 * console bundle this file.
 */
export const keySortColumns = ["created", "lastUsed", "expires", "uses", "comment", "type", "bits", "user"] as const;
export type KeySortColumn = (typeof keySortColumns)[number];
export type SortOrder = "asc" | "desc";

export interface KeySort {
  column: KeySortColumn;
  order: SortOrder;
}

/** A key's value in a sort column: ms for times (null: never used, no expiry), else the number or text. */
export type KeySortValue = number | string | null;

/** Where a page ends: the last row's value in the sort column and its id. */
export interface KeySortPosition {
  value: KeySortValue;
  id: string;
}

/** Columns a key may lack a value in (sorted last either way). */
export const nullableSortColumns: ReadonlySet<KeySortColumn> = new Set(["lastUsed", "expires"]);

export const defaultKeySort: KeySort = { column: "created", order: "desc" };

interface SortableKey {
  id: string;
  username: string;
  type: string;
  bits: number;
  comment: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  useCount: number;
}

export function keySortValue(key: SortableKey, column: KeySortColumn): KeySortValue {
  switch (column) {
    case "created":
      return key.createdAt.getTime();
    case "lastUsed":
      return key.lastUsedAt?.getTime() ?? null;
    case "expires":
      return key.expiresAt?.getTime() ?? null;
    case "uses":
      return key.useCount;
    case "comment":
      return key.comment;
    case "type":
      return key.type;
    case "bits":
      return key.bits;
    case "user":
      return key.username;
  }
}

function compareValues(a: KeySortValue, b: KeySortValue): number {
  if (a === null || b === null) return 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Where `position` stands against `end` in the listing's order: negative before, positive after. */
export function compareKeyPositions(a: KeySortPosition, b: KeySortPosition, order: SortOrder): number {
  // Nulls last in both directions.
  if ((a.value === null) !== (b.value === null)) return a.value === null ? 1 : -1;
  const sign = order === "asc" ? 1 : -1;
  const byValue = compareValues(a.value, b.value);
  if (byValue !== 0) return sign * byValue;
  return sign * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function keySortPosition(key: SortableKey, column: KeySortColumn): KeySortPosition {
  return { value: keySortValue(key, column), id: key.id };
}
