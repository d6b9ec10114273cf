import { api } from "./client";
import type { Key } from "./contract";

export const revokeKey = (id: string, reason: string) => api<{ key: Key }>("POST", `/keys/${encodeURIComponent(id)}/revoke`, reason ? { reason } : {});
