import type { Request } from "express";
import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";

export interface Rfc9421SchemeOptions {
  /** Only the signature under this Signature-Input label is verified (default: any label; the first acceptable one that verifies wins). */
  label?: string | undefined;
  /**
   * The derived components a signature must cover: any one of these sets (default
   * `[["@method", "@target-uri"], ["@method", "@authority", "@path", "@query"]]`). A request
   * with a body must also cover `content-digest`, whatever this says.
   */
  requiredComponents?: readonly (readonly string[])[] | undefined;
  /** Accepted |now − created| in whole seconds, inclusive (default 60). */
  maxAgeSeconds?: number | undefined;
  /** Seconds an `expires` in the past is still accepted, for clocks that disagree (default 5). */
  clockToleranceSeconds?: number | undefined;
  /** Accept each (keyid, nonce) once (default true). */
  replayProtection?: boolean | undefined;
  /**
   * The scheme and authority clients address, behind a proxy that rewrites them:
   * `"https://api.example.com"`. `@target-uri`, `@scheme` and `@authority` are then derived
   * from it and the request target as received (default: `req.protocol`, which honours
   * Express's `trust proxy`, and the Host header).
   */
  origin?: string | undefined;
  /**
   * The absolute target URI the client signed, computed from the framework's request, when
   * `origin` is not enough (a proxy that also rewrites the path):
   * `(req) => "https://api.example.com/api" + req.originalUrl`. Wins over `origin`.
   */
  targetUri?: ((req: Request) => string | Promise<string>) | undefined;
  /** Largest body the strategy reads to check its Content-Digest when no body parser ran (default 1 MiB). */
  maxBodyBytes?: number | undefined;
  realm?: string | undefined;
}

const wholeSeconds = z.number().int().min(0);
const componentName = z.string().regex(/^@?[!#$%&'*+.^_`|~0-9a-z-]+$/, "must be a lower-case component name");

export const rfc9421OptionsSchema = z.strictObject({
  label: z
    .string()
    .regex(/^[a-z*][a-z0-9_.*-]*$/, "must be a structured-field key (lower case)")
    .optional(),
  requiredComponents: z.array(z.array(componentName).min(1)).min(1).optional(),
  maxAgeSeconds: wholeSeconds.optional(),
  clockToleranceSeconds: wholeSeconds.optional(),
  replayProtection: z.boolean().optional(),
  origin: z
    .string()
    .regex(/^https?:\/\/[^/?#@\s]+$/i, 'must be a scheme and authority without a path, like "https://api.example.com"')
    .optional(),
  targetUri: z.custom<NonNullable<Rfc9421SchemeOptions["targetUri"]>>((value) => typeof value === "function", "must be a function").optional(),
  maxBodyBytes: z.number().int().min(0).optional(),
  realm: z.string().optional(),
});

export interface Rfc9421Settings {
  readonly label: string | undefined;
  readonly requiredComponents: readonly (readonly string[])[];
  readonly maxAgeSeconds: number;
  readonly clockToleranceSeconds: number;
  readonly replayProtection: boolean;
  readonly origin: string | undefined;
  readonly targetUri: Rfc9421SchemeOptions["targetUri"];
  readonly maxBodyBytes: number;
  readonly realm: string;
}

const defaultRequiredComponents: readonly (readonly string[])[] = [
  ["@method", "@target-uri"],
  ["@method", "@authority", "@path", "@query"],
];

export function rfc9421Settings(options: Rfc9421SchemeOptions | undefined): Rfc9421Settings {
  const o = parseOptions(rfc9421OptionsSchema, options, "rfc9421 scheme");
  return {
    label: o.label,
    requiredComponents: o.requiredComponents ?? defaultRequiredComponents,
    maxAgeSeconds: o.maxAgeSeconds ?? 60,
    clockToleranceSeconds: o.clockToleranceSeconds ?? 5,
    replayProtection: o.replayProtection ?? true,
    origin: o.origin,
    targetUri: o.targetUri,
    maxBodyBytes: o.maxBodyBytes ?? 1024 * 1024,
    realm: o.realm ?? "passport-sshkey",
  };
}
