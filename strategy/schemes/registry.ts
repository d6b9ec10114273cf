import type { AuthScheme, SchemeName } from "./scheme.js";
import { createJwtScheme, type JwtSchemeOptions } from "./jwt/scheme.js";
import { createCrtauthScheme, type CrtauthSchemeOptions } from "./crtauth/scheme.js";
import { createSshauthScheme, type SshauthSchemeOptions } from "./sshauth/scheme.js";

/** Per-scheme settings a strategy passes down; each built-in scheme reads its own part. */
export interface BuiltInSchemeOptions {
  realm?: string;
  clockToleranceSeconds?: number;
  jwt?: JwtSchemeOptions;
  /** Secrets (default CRTAUTH_SECRET / CRTAUTH_PREVIOUS_SECRET); the same object configures createCrtauthRouter. */
  crtauth?: CrtauthSchemeOptions;
  sshauth?: SshauthSchemeOptions;
}

/** The built-in wire formats. Adding one touches its folder and one line here. */
export const builtInSchemes: Partial<Record<SchemeName, (options: BuiltInSchemeOptions) => AuthScheme>> = {
  jwt: (o) => createJwtScheme({ realm: o.realm, toleranceSeconds: o.clockToleranceSeconds, ...o.jwt }),
  crtauth: (o) => createCrtauthScheme({ realm: o.realm, ...o.crtauth }),
  sshauth: (o) => createSshauthScheme({ realm: o.realm, ...o.sshauth }),
};

export function createBuiltInScheme(name: SchemeName, options: BuiltInSchemeOptions): AuthScheme {
  const factory = builtInSchemes[name];
  if (!factory) throw new TypeError(`unknown scheme ${JSON.stringify(name)}; available: ${Object.keys(builtInSchemes).join(", ")}`);
  return factory(options);
}
