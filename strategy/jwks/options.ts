import { z } from "zod";
import { parseOptions } from "../options/parse-options.js";

export interface JwksOptions {
  /** A fetch slower than this fails (`jwks_unavailable`), in milliseconds (default 5000). */
  timeoutMs?: number | undefined;
  /** How long a set is kept when its response has no `Cache-Control: max-age`, in milliseconds (default 300000: 5 minutes). */
  defaultMaxAgeMs?: number | undefined;
  /**
   * Least time between two fetches of one URL, in milliseconds (default 60000): a token with a kid
   * the cached set lacks refetches it at most this often, a failed fetch is not retried sooner,
   * and a smaller `max-age` is raised to it, so tokens with random kids cannot make the server fetch.
   */
  refetchIntervalMs?: number | undefined;
  /** Largest JWKS response read, in bytes (default 65536). */
  maxResponseBytes?: number | undefined;
  /** Fetch plain http:// URLs on any host (default false: https only; http also on a loopback host when `allowPrivateAddresses` is set). */
  allowHttp?: boolean | undefined;
  /**
   * Fetch from hosts that are not on the public internet: loopback, private, link-local (cloud
   * metadata), CGNAT… (default false: any user who may add a JWKS URL could otherwise make the
   * server probe its own network). Set it for a JWKS server inside your network.
   */
  allowPrivateAddresses?: boolean | undefined;
}

export const jwksOptionsSchema = z.strictObject({
  timeoutMs: z.number().int().min(1).max(60_000).optional(),
  defaultMaxAgeMs: z.number().int().min(0).optional(),
  refetchIntervalMs: z.number().int().min(0).optional(),
  maxResponseBytes: z
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .optional(),
  allowHttp: z.boolean().optional(),
  allowPrivateAddresses: z.boolean().optional(),
});

/** The jwks options with every default applied. */
export interface JwksSettings {
  readonly timeoutMs: number;
  readonly defaultMaxAgeMs: number;
  readonly refetchIntervalMs: number;
  /** Longest a `max-age` keeps a set: a day, so a removed key is not trusted for weeks. */
  readonly maxMaxAgeMs: number;
  readonly maxResponseBytes: number;
  readonly allowHttp: boolean;
  readonly allowPrivateAddresses: boolean;
}

export function jwksSettings(options: JwksOptions | undefined): JwksSettings {
  const o = parseOptions(jwksOptionsSchema, options, "jwks");
  return {
    timeoutMs: o.timeoutMs ?? 5000,
    defaultMaxAgeMs: o.defaultMaxAgeMs ?? 5 * 60_000,
    refetchIntervalMs: o.refetchIntervalMs ?? 60_000,
    maxMaxAgeMs: 24 * 3600_000,
    maxResponseBytes: o.maxResponseBytes ?? 64 * 1024,
    allowHttp: o.allowHttp ?? false,
    allowPrivateAddresses: o.allowPrivateAddresses ?? false,
  };
}
