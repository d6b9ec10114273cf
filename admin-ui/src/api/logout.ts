import { api } from "./client";

export const logout = () => api<{ ok: true }>("POST", "/session/logout");
