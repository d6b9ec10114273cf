import { api } from "./client";
import type { Key, KeyChallenge, KeyImportBody, KeySource, KeySyncReport } from "./contract";

/** The import sources of `username` (the signed-in user's own unless an admin names another). */
export const getKeySources = (username: string, signal?: AbortSignal) =>
  api<{ sources: KeySource[] }>("GET", `/key-sources?user=${encodeURIComponent(username)}`, undefined, signal);

export const importKeys = (body: KeyImportBody) => api<KeySyncReport>("POST", "/key-sources", body);

export const syncKeySource = (id: string) => api<KeySyncReport>("POST", `/key-sources/${encodeURIComponent(id)}/sync`);

export const removeKeySource = (id: string) => api<{ deleted: true; id: string }>("DELETE", `/key-sources/${encodeURIComponent(id)}`);

export const getKeyChallenge = (id: string, signal?: AbortSignal) => api<KeyChallenge>("GET", `/keys/${encodeURIComponent(id)}/challenge`, undefined, signal);

export const verifyKey = (id: string, signature: string) => api<{ key: Key }>("POST", `/keys/${encodeURIComponent(id)}/verify`, { signature });
