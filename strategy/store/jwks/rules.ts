import { DirectoryError } from "../ports.js";

/** JWKS URLs one user may trust: each costs a fetch on an unknown kid, so the list stays short. */
const maxJwksEndpointsPerUser = 10;

const maxUrlLength = 2048;

/**
 * A JWKS URL as stored: an absolute http(s) URL without credentials or fragment, normalised
 * (WHATWG href) so one endpoint cannot be added twice under two spellings. Whether plain http
 * may be fetched, and whether the host's address may be reached (public only, by default), is
 * the key source's policy, decided at fetch time: this store does not know the strategy's
 * options, and a host name cannot be judged before the fetch resolves it.
 */
export function jwksUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DirectoryError("invalid", "a JWKS URL must be an absolute https:// URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new DirectoryError("invalid", "a JWKS URL must be an https:// URL");
  if (url.username !== "" || url.password !== "") throw new DirectoryError("invalid", "a JWKS URL must not carry a user name or password");
  if (url.hash !== "") throw new DirectoryError("invalid", "a JWKS URL must not have a #fragment");
  if (url.href.length > maxUrlLength) throw new DirectoryError("invalid", `a JWKS URL is at most ${maxUrlLength} characters`);
  return url.href;
}

/** The refusal for one endpoint too many. */
export function checkJwksEndpointCount(held: number): void {
  if (held >= maxJwksEndpointsPerUser) throw new DirectoryError("too_many_keys", `a user may trust at most ${maxJwksEndpointsPerUser} JWKS URLs`);
}

/** The refusal for a URL the user already trusts. */
export function duplicateJwksEndpoint(): DirectoryError {
  return new DirectoryError("conflict", "this user already trusts this JWKS URL");
}

/** The refusal for a URL the user does not trust. */
export function unknownJwksEndpoint(username: string): DirectoryError {
  return new DirectoryError("not_found", `${username} does not trust this JWKS URL`);
}

/** A fetch error as the console shows it: one short line. */
export function fetchErrorText(error: string | null): string | null {
  return error === null ? null : error.replace(/\s+/g, " ").slice(0, 300);
}
