import { z } from "zod";
import type { AnyCodec } from "../core/codec.js";
import { jwksOptionsSchema } from "../jwks/options.js";
import { failureThrottleOptionSchema } from "../schemes/failure-throttle.js";
import { schemeNames, schemeOptionShape } from "../schemes/registry.js";
import type { SshKeyStrategyOptions, StrategyStore } from "../strategy.js";
import { parseOptions } from "./parse-options.js";

function isCodec(value: unknown): value is AnyCodec {
  if (typeof value !== "object" || value === null) return false;
  const c = value as Partial<AnyCodec>;
  return typeof c.name === "string" && typeof c.claims === "function" && typeof c.decode === "function" && typeof c.verifySignature === "function";
}

const strategyOptionsSchema = z.strictObject({
  store: z
    .custom<StrategyStore | Promise<StrategyStore>>((value) => typeof value === "object" && value !== null, "must be a store or a promise of one")
    .optional(),
  schemes: z
    .array(z.union([z.enum(schemeNames), z.custom<AnyCodec>(isCodec, "must be a built-in scheme name or a codec (core/codec.ts)")]))
    .min(1, "must enable at least one scheme")
    .optional(),
  now: z.custom<() => number>((value) => typeof value === "function", "must be a function").optional(),
  name: z.string().min(1).optional(),
  exposeErrorCodes: z.boolean().optional(),
  failureThrottle: failureThrottleOptionSchema.optional(),
  jwks: jwksOptionsSchema.optional(),
  lockout: z.union([z.literal(false), z.strictObject({ afterFailures: z.number().optional(), forSeconds: z.number().optional() })]).optional(),
  keyRateLimit: z.strictObject({ count: z.number(), windowSeconds: z.number() }).optional(),
  realm: z.string().optional(),
  clockToleranceSeconds: z.number().min(0).optional(),
  ...schemeOptionShape,
});

/**
 * SshKeyStrategy's options, checked once at construction at every depth: a misspelt key
 * (`{ jwt: { tolerance: 5 } }`), a value of the wrong type or out of range (`NaN`) is a
 * TypeError naming it.
 */
export function parseStrategyOptions(options: unknown): SshKeyStrategyOptions {
  if (typeof options !== "object" || options === null) throw new TypeError("SshKeyStrategy options must be an object");
  return parseOptions(strategyOptionsSchema, options, "SshKeyStrategy") as SshKeyStrategyOptions;
}
