import { api } from "./client";
import type { Authority, AuthorityRevokeBody } from "./contract";

export const revokeAuthority = (name: string, body: AuthorityRevokeBody) =>
  api<{ authority: Authority }>("POST", `/authorities/${encodeURIComponent(name)}/revoke`, body);
