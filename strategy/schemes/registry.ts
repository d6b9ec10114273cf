import type { AnyCodec, SchemeName } from "../core/codec.js";
import { createCrtauthScheme, type CrtauthSchemeOptions } from "./crtauth/scheme.js";
import { createJwtScheme, type JwtSchemeOptions } from "./jwt/scheme.js";
import { createSshauthScheme, type SshauthSchemeOptions } from "./sshauth/scheme.js";

/** Per-scheme settings a strategy passes down; each built-in scheme reads its own part. */
export interface BuiltInSchemeOptions {
  realm?: string | undefined;
  /**
   * The JWT clock tolerance in seconds when `jwt.clockToleranceSeconds` is not set (default 20).
   * sshauth's window is `sshauth.clockToleranceSeconds` (default 60).
   */
  clockToleranceSeconds?: number | undefined;
  jwt?: JwtSchemeOptions | undefined;
  /** Secrets (default CRTAUTH_SECRET / CRTAUTH_PREVIOUS_SECRET); the same object configures createCrtauthRouter. */
  crtauth?: CrtauthSchemeOptions | undefined;
  sshauth?: SshauthSchemeOptions | undefined;
}

/** The built-in wire formats. Adding one touches its folder and one line here. */
export const builtInSchemes: Record<SchemeName, (options: BuiltInSchemeOptions) => AnyCodec> = {
  jwt: (o) =>
    createJwtScheme({ realm: o.realm, ...o.jwt, clockToleranceSeconds: o.jwt?.clockToleranceSeconds ?? o.jwt?.toleranceSeconds ?? o.clockToleranceSeconds }),
  crtauth: (o) => createCrtauthScheme({ realm: o.realm, ...o.crtauth }),
  sshauth: (o) => createSshauthScheme({ realm: o.realm, ...o.sshauth }),
};

export function createBuiltInScheme(name: SchemeName, options: BuiltInSchemeOptions): AnyCodec {
  if (!Object.hasOwn(builtInSchemes, name)) {
    throw new TypeError(`unknown scheme ${JSON.stringify(name)}; available: ${Object.keys(builtInSchemes).join(", ")}`);
  }
  return builtInSchemes[name](options);
}
