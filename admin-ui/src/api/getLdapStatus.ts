import { api } from "./client";
import type { LdapStatus } from "./contract";

export const getLdapStatus = (signal?: AbortSignal) => api<{ status: LdapStatus }>("GET", "/ldap/status", undefined, signal);
