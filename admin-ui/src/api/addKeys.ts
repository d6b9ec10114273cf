import { api } from "./client";
import type { Key } from "./types";

export interface AddKeysBody {
  text: string;
  comment?: string | undefined;
  expiresAt?: string | null | undefined;
  /** Admins only: add for this user. */
  username?: string | undefined;
}

export const addKeys = (body: AddKeysBody) => api<{ keys: Key[] }>("POST", "/keys", body);
