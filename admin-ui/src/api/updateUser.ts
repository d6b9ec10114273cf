import { api } from "./client";
import type { User } from "./types";

export const updateUser = (username: string, patch: { isAdmin?: boolean; disabled?: boolean }) =>
  api<{ user: User }>("PATCH", `/users/${encodeURIComponent(username)}`, patch);
