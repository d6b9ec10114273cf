import { z } from "zod";
import { functionOption } from "../options/common-schemas.js";

// The client's option objects, checked at every depth where each public function is called:
// a misspelt key (`{ sshauth: { binding: true } }`) is a TypeError naming it, not a silently
// different request.

const signer = z.custom<object>(
  (value) =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as { sign?: unknown }).sign === "function" &&
    typeof (value as { publicKey?: unknown }).publicKey === "object",
  "must be a signer (loadKeyFileSigner, agentSigner)",
);
const nonEmpty = z.string().min(1);
const optionalText = z.union([z.string(), z.instanceof(Uint8Array)]).optional();

export const agentOptionsSchema = z.strictObject({
  socketPath: nonEmpty.optional(),
  timeoutMs: z.number().int().positive().optional(),
});

export const agentSignerOptionsSchema = agentOptionsSchema.extend({
  fingerprint: z.string().optional(),
  publicKey: z.union([z.string(), z.custom<object>((value) => typeof value === "object" && value !== null, "must be a parsed key or key text")]).optional(),
});

export const loadKeyFileOptionsSchema = z.strictObject({ passphrase: optionalText });

export const createJwtOptionsSchema = z.strictObject({
  signer,
  username: nonEmpty,
  now: functionOption.optional(),
  nonce: nonEmpty.optional(),
  algorithm: z.string().optional(),
  audience: nonEmpty.optional(),
});

export const authorizeOptionsSchema = z.strictObject({
  scheme: z.enum(["jwt", "sshauth", "crtauth"]),
  signer,
  username: nonEmpty,
  now: functionOption.optional(),
  sshauth: z.strictObject({ bind: z.boolean().optional(), magic: z.string().optional(), includeFingerprint: z.boolean().optional() }).optional(),
  jwt: z.strictObject({ audience: nonEmpty.optional() }).optional(),
});

export const crtauthLoginOptionsSchema = z.strictObject({
  username: nonEmpty,
  signer,
  serverName: nonEmpty.optional(),
  fetch: functionOption.optional(),
});

export const sshauthSignOptionsSchema = z.strictObject({
  signer,
  identity: z.string().optional(),
  includeFingerprint: z.boolean().optional(),
  magic: optionalText,
  actions: z
    .array(z.tuple([z.string(), z.string()]).readonly())
    .readonly()
    .optional(),
  timestamp: z.number().optional(),
});
