import { api } from "./client";
import type { PreviewEntry } from "./contract";

/** Parses and checks every key in a paste without saving anything. */
export const previewKeys = (text: string, signal?: AbortSignal) => api<{ keys: PreviewEntry[] }>("POST", "/keys/preview", { text }, signal);
