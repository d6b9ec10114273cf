import { api } from "./client";

export const deleteKey = (id: string) => api<{ deleted: true; id: string }>("DELETE", `/keys/${encodeURIComponent(id)}`);
