import { api } from "./client";

export const removeAuthority = (name: string) => api<{ deleted: true; name: string }>("DELETE", `/authorities/${encodeURIComponent(name)}`);
