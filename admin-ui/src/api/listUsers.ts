import { api, withQuery } from "./client";
import type { User } from "./types";

export const listUsers = (query: { q?: string | undefined; cursor?: string | undefined; limit?: number | undefined }, signal?: AbortSignal) =>
  api<{ users: User[]; nextCursor: string | null }>("GET", withQuery("/users", query), undefined, signal);
