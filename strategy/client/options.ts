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

const rfc9421SigningOptionsSchema = z.strictObject({
  label: z
    .string()
    .regex(/^[a-z*][a-z0-9_.*-]{0,63}$/, "must be a structured-field key (lower case letters, digits, _ - . *), at most 64 characters")
    .optional(),
  components: z.array(nonEmpty).min(1).optional(),
  expiresIn: z.number().int().positive().optional(),
  keyid: nonEmpty.optional(),
});

export const rfc9421HeadersOptionsSchema = rfc9421SigningOptionsSchema.extend({
  method: nonEmpty.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP method token"),
  url: z.union([nonEmpty, z.instanceof(URL)]),
  headers: z.custom<object>((value) => typeof value === "object" && value !== null, "must be headers (a Headers, a record or [name, value] pairs)").optional(),
  body: z.union([z.string(), z.instanceof(Buffer)]).optional(),
  signer,
  // An sf-string: printable ASCII.
  nonce: z
    .string()
    .regex(/^[\x20-\x7e]{1,256}$/, "must be 1–256 printable ASCII characters")
    .optional(),
  created: z.number().int().nonnegative().optional(),
});

export const authorizeOptionsSchema = z.strictObject({
  scheme: z.enum(["jwt", "sshauth", "crtauth", "sshsig", "rfc9421"]),
  signer,
  username: nonEmpty.optional(),
  now: functionOption.optional(),
  sshauth: z.strictObject({ bind: z.boolean().optional(), magic: z.string().optional(), includeFingerprint: z.boolean().optional() }).optional(),
  jwt: z.strictObject({ audience: nonEmpty.optional() }).optional(),
  sshsig: z.strictObject({ namespace: nonEmpty.optional(), host: nonEmpty.optional() }).optional(),
  rfc9421: rfc9421SigningOptionsSchema.optional(),
});

export const sshsigAuthorizationOptionsSchema = z.strictObject({
  signer,
  // The header parser's limits: a value the server would refuse as malformed is a TypeError here.
  username: nonEmpty.max(256).regex(/^[^\u0000-\u001f\u007f]+$/, "must not contain control characters"),
  url: z.union([nonEmpty, z.instanceof(URL)]),
  method: nonEmpty.optional(),
  body: z.union([z.string(), z.instanceof(Buffer)]).optional(),
  host: nonEmpty.optional(),
  namespace: nonEmpty.optional(),
  now: functionOption.optional(),
  nonce: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,64}$/, "must be 16–64 characters of [A-Za-z0-9_-]")
    .optional(),
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
