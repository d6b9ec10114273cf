import { z } from "zod";
import { MAX_TOKEN_LIFETIME_S } from "./constants.js";
import type { CrtauthSecret } from "./mac.js";
import { assertServerName } from "./names.js";

/**
 * crtauth settings shared by the token scheme (SshKeyStrategy option `crtauth`) and the
 * `/_auth` router. The scheme reads only the secrets; the router reads everything.
 */
export interface CrtauthOptions {
  /** HMAC secret for challenges and tokens; default `CRTAUTH_SECRET`. */
  secret?: CrtauthSecret | undefined;
  /** The secret before the last rotation, still accepted (default `CRTAUTH_PREVIOUS_SECRET`). */
  previousSecret?: CrtauthSecret | undefined;
  /** Name put in challenges; default: the request's Host without port. Clients compare it with the URL host. */
  serverName?: string | undefined;
  /** Seconds a token is good for, 1..598 (default 60). */
  tokenLifetimeSeconds?: number | undefined;
  /**
   * Also answer crtauth v0 ("legacy") handshakes, as the Python server does by default
   * (default false). v0 is the unversioned XDR format: its request is a bare username, told
   * from a v1 request only by a heuristic, and its challenges are MACed with HMAC-SHA1. Turn it
   * on only for old clients that cannot speak v1; tokens are v1 (HMAC-SHA256) either way.
   */
  legacyV0?: boolean | undefined;
}

const secret = z.union([z.string(), z.instanceof(Uint8Array)]);

/** The crtauth keys, for the strategy's `crtauth` option and createCrtauthRouter. */
export const crtauthOptionsShape = {
  secret: secret.optional(),
  previousSecret: secret.optional(),
  serverName: z
    .string()
    .refine((name) => {
      try {
        assertServerName(name);
        return true;
      } catch {
        return false;
      }
    }, "must be 1..255 letters, digits, '.' or '-' (the host name clients connect to)")
    .optional(),
  tokenLifetimeSeconds: z.number().int().min(1).max(MAX_TOKEN_LIFETIME_S).optional(),
  legacyV0: z.boolean().optional(),
};

export const crtauthSchemeOptionsSchema = z.strictObject({ ...crtauthOptionsShape, realm: z.string().optional() });

function present(value: CrtauthSecret | undefined): CrtauthSecret | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && value === "") return undefined;
  return value;
}

/**
 * The accepted secrets, current first: from the options, else from the environment.
 * Returns null when none is configured.
 */
export function resolveCrtauthSecrets(options: CrtauthOptions, env: NodeJS.ProcessEnv = process.env): CrtauthSecret[] | null {
  const current = present(options.secret) ?? present(env.CRTAUTH_SECRET);
  if (current === undefined) return null;
  const fromOptions = options.secret !== undefined;
  const previous = fromOptions ? present(options.previousSecret) : (present(options.previousSecret) ?? present(env.CRTAUTH_PREVIOUS_SECRET));
  return previous === undefined ? [current] : [current, previous];
}
