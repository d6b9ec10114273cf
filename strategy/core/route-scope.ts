import { AuthError } from "../errors.js";
import { KeyLimitError, missingScopes, parseScopes } from "./key-limits.js";
import type { RouteOptions } from "./codec.js";
import type { KeyCandidate } from "../store/ports.js";

/** Parsed once per route: passport hands the same options object to every request of a route. */
const parsed = new WeakMap<RouteOptions, readonly string[]>();

const noScopes: readonly string[] = Object.freeze([]);

/**
 * The scopes a route asks for (`passport.authenticate("sshkey", { scope: "deploy" })`, or an
 * array: all of them). A scope name outside the charset is a programmer's mistake: TypeError.
 */
export function requiredScopes(routeOptions: RouteOptions): readonly string[] {
  const given = routeOptions.scope;
  if (given === undefined) return noScopes;
  let scopes = parsed.get(routeOptions);
  if (scopes) return scopes;
  if (typeof given !== "string" && !Array.isArray(given)) throw new TypeError("passport.authenticate: scope must be a scope name or an array of them");
  try {
    scopes = parseScopes(given as string | readonly string[]);
  } catch (error) {
    if (error instanceof KeyLimitError) throw new TypeError(`passport.authenticate: ${error.message}`);
    throw error;
  }
  parsed.set(routeOptions, scopes);
  return scopes;
}

/**
 * Refuses with `insufficient_scope` (403) when the key that signed lacks a scope the route needs.
 * A key without scopes is unrestricted, as are certificates and JWKS keys (no row to carry them).
 * `detail.requiredScopes` is what the WWW-Authenticate challenge names (RFC 6750 §3).
 */
export function checkRouteScopes(signer: KeyCandidate, required: readonly string[]): void {
  if (required.length === 0) return;
  const missing = missingScopes(signer.key.scopes, required);
  if (missing.length === 0) return;
  throw new AuthError("insufficient_scope", `this route needs the key scope ${missing.join(", ")}`, {
    detail: { userId: signer.user.id, keyId: signer.key.id, requiredScopes: required },
  });
}
