import { api, withQuery, type Query } from "./client";
import type { AuthEvent, CertificateLoginQuery, EventListQuery, Key, KeyListQuery, UserListQuery, UserWithKeyCount } from "./contract";

/** One page of a list, whatever the list's own name for its items. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Query parameters as the console sends them (the server coerces the limit). */
export type ListQuery<Q> = Omit<Q, "limit"> & { limit?: number | undefined };

/** GET `path` and read its page of items from the field `name` (`{keys: […], nextCursor}`). */
export function pagedList<Name extends string, T, Q>(path: string, name: Name) {
  return async (query: ListQuery<Q>, signal?: AbortSignal): Promise<Page<T>> => {
    const body = await api<Record<Name, T[]> & { nextCursor: string | null }>("GET", withQuery(path, query as Query), undefined, signal);
    return { items: body[name], nextCursor: body.nextCursor };
  };
}

export type KeyQuery = ListQuery<KeyListQuery>;
export type EventQuery = ListQuery<EventListQuery>;

export const listKeys = pagedList<"keys", Key, KeyListQuery>("/keys", "keys");
export const listUsers = pagedList<"users", UserWithKeyCount, UserListQuery>("/users", "users");
export const listEvents = pagedList<"events", AuthEvent, EventListQuery>("/events", "events");
export const listCertificateLogins = pagedList<"events", AuthEvent, CertificateLoginQuery>("/certificate-logins", "events");
