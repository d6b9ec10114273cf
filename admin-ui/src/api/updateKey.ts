import { api } from "./client";
import type { Key, KeyPatchBody } from "./contract";

export const updateKey = (id: string, patch: KeyPatchBody) => api<{ key: Key }>("PATCH", `/keys/${encodeURIComponent(id)}`, patch);
