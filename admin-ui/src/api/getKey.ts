import { api } from "./client";
import type { Key, KeyEvent } from "./contract";

export const getKey = (id: string, signal?: AbortSignal) => api<{ key: Key; events: KeyEvent[] }>("GET", `/keys/${encodeURIComponent(id)}`, undefined, signal);
