import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";

export interface JwtSchemeOptions {
  /** Accepted |now − time| in seconds, inclusive (asymmetric-jwt-auth's TIMESTAMP_TOLERANCE; default 20). */
  clockToleranceSeconds?: number | undefined;
  /** @deprecated The old name of `clockToleranceSeconds`, still accepted; `clockToleranceSeconds` wins when both are set. */
  toleranceSeconds?: number | undefined;
  /** Scheme word in the Authorization header (asymmetric-jwt-auth's AUTH_METHOD; default "JWT"). */
  authMethod?: string | undefined;
  /** Refuse replayed (username, time, nonce) triples (default true). */
  replayProtection?: boolean | undefined;
  /**
   * This service's name(s) (e.g. its URL). When set, a token must carry an `aud` claim naming
   * one of them (`invalid_audience` otherwise), so a token made for another service is refused
   * here; unset, a token with a non-empty `aud` is refused (as upstream's PyJWT does).
   * A route can set its own with `passport.authenticate("sshkey", { jwtAudience })`.
   */
  audience?: string | readonly string[] | undefined;
  realm?: string | undefined;
}

const seconds = z.number().min(0);
const audience = z.union([z.string().min(1), z.array(z.string().min(1)).min(1).readonly()]);

export const jwtOptionsSchema = z.strictObject({
  clockToleranceSeconds: seconds.optional(),
  toleranceSeconds: seconds.optional(),
  authMethod: z
    .string()
    .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP scheme word")
    .optional(),
  replayProtection: z.boolean().optional(),
  audience: audience.optional(),
  realm: z.string().optional(),
});

/** The jwt options with every default applied. */
export interface JwtSettings {
  readonly toleranceSeconds: number;
  readonly authMethod: string;
  readonly replayProtection: boolean;
  readonly audience: readonly string[] | undefined;
  readonly realm: string;
}

export function jwtSettings(options: JwtSchemeOptions | undefined, where = "jwt scheme"): JwtSettings {
  const o = parseOptions(jwtOptionsSchema, options, where);
  return {
    toleranceSeconds: o.clockToleranceSeconds ?? o.toleranceSeconds ?? 20,
    authMethod: o.authMethod ?? "JWT",
    replayProtection: o.replayProtection ?? true,
    audience: o.audience === undefined ? undefined : Object.freeze(typeof o.audience === "string" ? [o.audience] : [...o.audience]),
    realm: o.realm ?? "passport-sshkey",
  };
}

/** A route's `jwtAudience` as a non-empty list of non-empty strings; a TypeError otherwise. */
export function routeAudience(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const result = audience.safeParse(value);
  if (!result.success) throw new TypeError("passport.authenticate option jwtAudience must be a non-empty string or a non-empty list of them");
  return typeof result.data === "string" ? [result.data] : result.data;
}
