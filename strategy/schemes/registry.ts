import type { AuthScheme, SchemeName } from "./scheme.js";
import { createJwtScheme, type JwtSchemeOptions } from "./jwt/scheme.js";

/** Per-scheme settings a strategy passes down; each built-in scheme reads its own part. */
export interface BuiltInSchemeOptions {
  realm?: string;
  clockToleranceSeconds?: number;
  jwt?: JwtSchemeOptions;
}

/** The built-in wire formats. Adding one touches its folder and one line here. */
export const builtInSchemes: Partial<Record<SchemeName, (options: BuiltInSchemeOptions) => AuthScheme>> = {
  jwt: (o) => createJwtScheme({ realm: o.realm, toleranceSeconds: o.clockToleranceSeconds, ...o.jwt }),
};

export function createBuiltInScheme(name: SchemeName, options: BuiltInSchemeOptions): AuthScheme {
  const factory = builtInSchemes[name];
  if (!factory) throw new TypeError(`unknown scheme ${JSON.stringify(name)}; available: ${Object.keys(builtInSchemes).join(", ")}`);
  return factory(options);
}
