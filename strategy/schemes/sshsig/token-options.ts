import { z } from "zod";

export interface SshsigTokenSchemeOptions {
  /** Seconds a token from `POST /_sshsig/token` is good for, 1..3600 (default 300). */
  lifetimeSeconds?: number | undefined;
  realm?: string | undefined;
}

/** An hour at most: the token is a bearer credential, checked against key state on every use but reusable until it expires. */
const MAX_LIFETIME_SECONDS = 3600;

export const sshsigTokenOptionsSchema = z.strictObject({
  lifetimeSeconds: z.number().int().min(1).max(MAX_LIFETIME_SECONDS).optional(),
  realm: z.string().optional(),
});
