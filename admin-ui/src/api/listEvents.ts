import { api, withQuery } from "./client";
import type { AuthEvent } from "./types";

export interface EventQuery {
  user?: string | undefined;
  key?: string | undefined;
  scheme?: string | undefined;
  outcome?: "success" | "failure" | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export const listEvents = (query: EventQuery, signal?: AbortSignal) =>
  api<{ events: AuthEvent[]; nextCursor: string | null }>("GET", withQuery("/events", { ...query }), undefined, signal);
