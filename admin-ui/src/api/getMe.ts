import { api } from "./client";
import type { Me } from "./contract";

export const getMe = (signal?: AbortSignal) => api<Me>("GET", "/me", undefined, signal);
