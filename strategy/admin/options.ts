import { z } from "zod";
import { functionOption, positiveInteger, positiveNumber, storeOption } from "../options/common-schemas.js";
import { keyImportOptionsSchema } from "../import/options.js";
import { jwtOptionsSchema } from "../schemes/jwt/options.js";

const bucket = { capacity: positiveNumber.optional(), refillPerMinute: positiveNumber.optional() };

/** createAdminRouter's options, every depth: an unknown or misspelt key is refused by name. */
export const adminRouterOptionsSchema = z.strictObject({
  store: storeOption,
  resolveUser: functionOption.optional(),
  now: functionOption.optional(),
  session: z
    .strictObject({
      idleMs: positiveInteger.optional(),
      absoluteMs: positiveInteger.optional(),
      touchEveryMs: z.number().int().min(0).optional(),
    })
    .optional(),
  linkTtlMs: positiveInteger.optional(),
  rateLimit: z.strictObject({ ...bucket, perUsername: z.strictObject(bucket).optional() }).optional(),
  bodyLimit: z.union([positiveInteger, z.string().min(1)]).optional(),
  publicUrl: z.string().optional(),
  jwt: jwtOptionsSchema.omit({ replayProtection: true, audience: true }).optional(),
  log: functionOption.optional(),
  uiDir: z.union([z.string().min(1), z.literal(false)]).optional(),
  keyImport: keyImportOptionsSchema.optional(),
});

/** createAdminRouter's publicUrl, when set, is an absolute http(s) URL: sign-in links and the JWT audience are built from it. */
export function checkPublicUrl(publicUrl: string | undefined): void {
  if (publicUrl === undefined) return;
  try {
    if (!/^https?:$/.test(new URL(publicUrl).protocol)) throw new Error("scheme");
  } catch {
    throw new TypeError(`createAdminRouter: publicUrl must be an http(s) URL, got ${JSON.stringify(publicUrl)}`);
  }
}
