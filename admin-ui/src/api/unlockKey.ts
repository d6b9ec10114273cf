import { api } from "./client";
import type { Key } from "./contract";

export const unlockKey = (id: string) => api<{ key: Key }>("POST", `/keys/${encodeURIComponent(id)}/unlock`);
