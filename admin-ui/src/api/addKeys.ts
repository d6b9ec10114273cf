import { api } from "./client";
import type { Key } from "./types";

export interface AddKeysBody {
  text: string;
  comment?: string;
  expiresAt?: string | null;
  /** Admins only: add for this user. */
  username?: string;
}

export const addKeys = (body: AddKeysBody) => api<{ keys: Key[] }>("POST", "/keys", body);
