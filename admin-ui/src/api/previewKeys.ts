import { api } from "./client";
import type { PreviewEntry } from "./contract";

/** Parses and checks every key in a paste without saving anything; `username`: the account they are for (admins). */
export const previewKeys = (text: string, username: string | undefined, signal?: AbortSignal) =>
  api<{ keys: PreviewEntry[] }>("POST", "/keys/preview", { text, username }, signal);
