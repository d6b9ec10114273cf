import { api, withQuery } from "./client";
import type { Key, KeyStatus } from "./types";

export interface KeyQuery {
  q?: string;
  user?: string;
  status?: KeyStatus;
  cursor?: string;
  limit?: number;
}

export const listKeys = (query: KeyQuery, signal?: AbortSignal) =>
  api<{ keys: Key[]; nextCursor: string | null }>("GET", withQuery("/keys", { ...query }), undefined, signal);
