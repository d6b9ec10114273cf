// What `POST /_sshsig/token` answers: the server (schemes/sshsig/token-scheme.ts) builds it,
// the client (client/sshsig-session.ts) parses it, both from this one schema.
import { z } from "zod";

/** The scheme word a token is sent with: `Authorization: SSHSIG-Token <token>`. */
export const SSHSIG_TOKEN_TYPE = "SSHSIG-Token";

/** The path the token router serves. */
export const SSHSIG_TOKEN_PATH = "/_sshsig/token";

export const SshsigTokenJson = z.object({
  token: z.string().min(1).max(1024),
  tokenType: z.literal(SSHSIG_TOKEN_TYPE),
  /** ISO 8601. */
  expiresAt: z.iso.datetime(),
  /** Seconds from now. */
  expiresIn: z.number().int().positive(),
});
