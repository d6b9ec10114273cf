import { api } from "./client";
import type { Key } from "./types";

export const updateKey = (id: string, patch: { comment?: string; expiresAt?: string | null }) =>
  api<{ key: Key }>("PATCH", `/keys/${encodeURIComponent(id)}`, patch);
