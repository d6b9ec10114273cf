import { withQuery, type Query } from "./client";
import type { AuthLogEvent, AuthLogTotals, EventListQuery, FilterNotice } from "./contract";
import { basePath } from "../shared/base-path";
import { pagedList, type ListQuery, type Page } from "./lists";

export type AuthLogQuery = ListQuery<EventListQuery>;

/** A page of the log with the totals of its filter and the filters that cannot match. */
export type AuthLogPage = Page<AuthLogEvent> & { totals: AuthLogTotals; notices: FilterNotice[] };

export const listAuthLog = pagedList<"events", AuthLogEvent, EventListQuery, { totals: AuthLogTotals; notices: FilterNotice[] }>("/events", "events");

export function authLogCsvUrl(query: Omit<AuthLogQuery, "cursor" | "limit">): string {
  return `${basePath}/api${withQuery("/events/export.csv", query as Query)}`;
}
