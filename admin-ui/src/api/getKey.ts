import { api } from "./client";
import type { Key, KeyEvent, KeyUsageDay } from "./contract";

export const getKey = (id: string, signal?: AbortSignal) =>
  api<{ key: Key; events: KeyEvent[]; usage: KeyUsageDay[] }>("GET", `/keys/${encodeURIComponent(id)}`, undefined, signal);
