import { api, withQuery, type Query } from "./client";
import type { AuthLogEvent, AuthLogTotals, EventListQuery, FilterNotice } from "./contract";
import { basePath } from "../shared/base-path";
import type { Page } from "./lists";

export type AuthLogQuery = Omit<EventListQuery, "limit"> & { limit?: number | undefined };

/** A page of the log with the totals of its filter and the filters that cannot match. */
export interface AuthLogPage extends Page<AuthLogEvent> {
  totals: AuthLogTotals;
  notices: FilterNotice[];
}

export async function listAuthLog(query: AuthLogQuery, signal?: AbortSignal): Promise<AuthLogPage> {
  const body = await api<{ events: AuthLogEvent[]; nextCursor: string | null; totals: AuthLogTotals; notices: FilterNotice[] }>(
    "GET",
    withQuery("/events", query as Query),
    undefined,
    signal,
  );
  return { items: body.events, nextCursor: body.nextCursor, totals: body.totals, notices: body.notices };
}

export function authLogCsvUrl(query: Omit<AuthLogQuery, "cursor" | "limit">): string {
  return `${basePath}/api${withQuery("/events/export.csv", query as Query)}`;
}
