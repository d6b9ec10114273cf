import { api } from "./client";
import type { Authority } from "./contract";

export const getAuthorities = (signal?: AbortSignal) => api<{ authorities: Authority[] }>("GET", "/authorities", undefined, signal);
