import { api } from "./client";
import type { UserCreateBody, UserWithKeyCount } from "./contract";

export const createUser = (body: UserCreateBody) => api<{ user: UserWithKeyCount }>("POST", "/users", body);
