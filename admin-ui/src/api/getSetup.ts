import { api } from "./client";
import type { Setup } from "./contract";

export const getSetup = (signal?: AbortSignal) => api<Setup>("GET", "/setup", undefined, signal);
