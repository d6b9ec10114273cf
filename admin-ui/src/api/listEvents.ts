import { api, withQuery } from "./client";
import type { AuthEvent } from "./types";

export interface EventQuery {
  user?: string;
  key?: string;
  scheme?: string;
  outcome?: "success" | "failure";
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

export const listEvents = (query: EventQuery, signal?: AbortSignal) =>
  api<{ events: AuthEvent[]; nextCursor: string | null }>("GET", withQuery("/events", { ...query }), undefined, signal);
