import { api, withQuery } from "./client";
import type { Key, KeyStatus } from "./types";

export interface KeyQuery {
  q?: string | undefined;
  user?: string | undefined;
  status?: KeyStatus | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export const listKeys = (query: KeyQuery, signal?: AbortSignal) =>
  api<{ keys: Key[]; nextCursor: string | null }>("GET", withQuery("/keys", { ...query }), undefined, signal);
