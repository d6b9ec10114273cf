import { api } from "./client";
import type { Authority, AuthorityAddBody } from "./contract";

export const addAuthority = (body: AuthorityAddBody) => api<{ authority: Authority }>("POST", "/authorities", body);
