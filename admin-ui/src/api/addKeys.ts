import { api } from "./client";
import type { Key, KeyAddBody } from "./contract";

export const addKeys = (body: KeyAddBody) => api<{ keys: Key[] }>("POST", "/keys", body);
