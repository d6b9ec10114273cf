import { api } from "./client";
import type { User } from "./types";

export const createUser = (username: string, isAdmin: boolean) => api<{ user: User }>("POST", "/users", { username, isAdmin });
