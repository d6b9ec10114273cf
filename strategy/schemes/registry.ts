import type { z } from "zod";
import type { AnyCodec } from "../core/codec.js";
import { crtauthSchemeOptionsSchema } from "./crtauth/options.js";
import { createCrtauthScheme, type CrtauthSchemeOptions } from "./crtauth/scheme.js";
import { jwtOptionsSchema, type JwtSchemeOptions } from "./jwt/options.js";
import { createJwtScheme } from "./jwt/scheme.js";
import { sshauthOptionsSchema } from "./sshauth/options.js";
import { createSshauthScheme, type SshauthSchemeOptions } from "./sshauth/scheme.js";
import { sshsigOptionsSchema } from "./sshsig/options.js";
import { createSshsigScheme, type SshsigSchemeOptions } from "./sshsig/scheme.js";
import { sshsigTokenOptionsSchema, type SshsigTokenSchemeOptions } from "./sshsig/token-options.js";
import { createSshsigTokenScheme } from "./sshsig/token-scheme.js";
import { resolveCrtauthSecrets } from "./crtauth/options.js";
import { rfc9421OptionsSchema } from "./rfc9421/options.js";
import { createRfc9421Scheme, type Rfc9421SchemeOptions } from "./rfc9421/scheme.js";

/** Settings every built-in scheme may read, beside its own options object. */
interface SharedSchemeOptions {
  realm?: string | undefined;
  /**
   * The JWT clock tolerance in seconds when `jwt.clockToleranceSeconds` is not set (default 20).
   * sshauth's window is `sshauth.clockToleranceSeconds` (default 60).
   */
  clockToleranceSeconds?: number | undefined;
  /** The crtauth secrets also key SSHSIG tokens (under a label of their own). */
  crtauth?: CrtauthSchemeOptions | undefined;
}

/** A built-in wire format: the schema of its options (SshKeyStrategy's key of the same name) and its codec factory. */
interface SchemeEntry<Own> {
  readonly options: z.ZodType;
  create(own: Own | undefined, shared: SharedSchemeOptions): AnyCodec;
}

function scheme<Own>(options: z.ZodType, create: (own: Own | undefined, shared: SharedSchemeOptions) => AnyCodec): SchemeEntry<Own> {
  return { options, create };
}

/**
 * The built-in wire formats, by the name the `schemes` option and the options key use. Adding
 * one is its folder under schemes/ and one line here: the scheme names, the strategy's options
 * type and its option schema all derive from this table.
 */
const builtInSchemes = {
  jwt: scheme<JwtSchemeOptions>(jwtOptionsSchema, (own, shared) =>
    createJwtScheme({
      realm: shared.realm,
      ...own,
      clockToleranceSeconds: own?.clockToleranceSeconds ?? own?.toleranceSeconds ?? shared.clockToleranceSeconds,
    }),
  ),
  /** Secrets (default CRTAUTH_SECRET / CRTAUTH_PREVIOUS_SECRET); the same object configures createCrtauthRouter. */
  crtauth: scheme<CrtauthSchemeOptions>(crtauthSchemeOptionsSchema, (own, shared) => createCrtauthScheme({ realm: shared.realm, ...own })),
  sshauth: scheme<SshauthSchemeOptions>(sshauthOptionsSchema, (own, shared) => createSshauthScheme({ realm: shared.realm, ...own })),
  sshsig: scheme<SshsigSchemeOptions>(sshsigOptionsSchema, (own, shared) => createSshsigScheme({ realm: shared.realm, ...own })),
  /** Bearer tokens from `POST /_sshsig/token` (createSshsigTokenRouter), keyed by the crtauth secret (default CRTAUTH_SECRET). */
  sshsigToken: scheme<SshsigTokenSchemeOptions>(sshsigTokenOptionsSchema, (own, shared) =>
    createSshsigTokenScheme({ realm: shared.realm, ...own }, resolveCrtauthSecrets(shared.crtauth ?? {})),
  ),
  /** RFC 9421 HTTP Message Signatures (Signature-Input + Signature), keyid = the key's SHA256 fingerprint. */
  rfc9421: scheme<Rfc9421SchemeOptions>(rfc9421OptionsSchema, (own, shared) => createRfc9421Scheme({ realm: shared.realm, ...own })),
} as const;

/** The built-in wire formats, as the `schemes` option names them. */
export type SchemeName = keyof typeof builtInSchemes;

type OwnOptions<Entry> = Entry extends SchemeEntry<infer Own> ? Own : never;

/** Per-scheme settings a strategy passes down: the shared ones, and each scheme's own object under its name. */
export type BuiltInSchemeOptions = SharedSchemeOptions & { [Name in SchemeName]?: OwnOptions<(typeof builtInSchemes)[Name]> | undefined };

export const schemeNames = Object.keys(builtInSchemes) as [SchemeName, ...SchemeName[]];

/** Each built-in scheme's options schema, under its name, for the strategy's option schema. */
export const schemeOptionShape = Object.fromEntries(schemeNames.map((name) => [name, builtInSchemes[name].options.optional()])) as Record<
  SchemeName,
  z.ZodOptional<z.ZodType>
>;

export function createBuiltInScheme(name: SchemeName, options: BuiltInSchemeOptions): AnyCodec {
  if (!Object.hasOwn(builtInSchemes, name)) {
    throw new TypeError(`unknown scheme ${JSON.stringify(name)}; available: ${schemeNames.join(", ")}`);
  }
  const entry: SchemeEntry<unknown> = builtInSchemes[name];
  return entry.create(options[name], options);
}
