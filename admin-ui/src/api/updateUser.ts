import { api } from "./client";
import type { User, UserPatchBody } from "./contract";

export const updateUser = (username: string, patch: UserPatchBody) => api<{ user: User }>("PATCH", `/users/${encodeURIComponent(username)}`, patch);
