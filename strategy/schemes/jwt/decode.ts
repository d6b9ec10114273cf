import { AuthError } from "../../errors.js";

/** Longest JWS accepted; real tokens are under 1 KiB (RSA-4096: ~900 bytes). */
const maxJwtLength = 8 * 1024;

/**
 * A structurally valid JWS whose signature has not been checked. Everything read from
 * it is a hint for key lookup, hence the `untrusted` names.
 */
export interface UnverifiedJwt {
  readonly alg: string;
  readonly untrustedKid: string | undefined;
  readonly untrustedUsername: string;
  /** The claims object, to be read only after the signature verified. */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly signingInput: Buffer;
  readonly signature: Buffer;
}

function decodeSegment(segment: string, what: string): Buffer {
  // Buffer.from(…, "base64url") skips foreign characters, accepts "+/=" and ignores
  // stray trailing bits; only a segment that re-encodes to itself is canonical base64url.
  // (Cheaper than a character-class regex over the signature, and stricter.)
  const bytes = Buffer.from(segment, "base64url");
  if (bytes.toString("base64url") !== segment) throw new AuthError("malformed_token", `the JWT ${what} is not base64url`);
  return bytes;
}

function decodeJsonObject(segment: string, what: string): Record<string, unknown> {
  const bytes = decodeSegment(segment, what);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new AuthError("malformed_token", `the JWT ${what} is not JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AuthError("malformed_token", `the JWT ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

interface JwtHeader {
  alg: string;
  kid: string | undefined;
}

// A client sends the same header (alg, kid, typ) on every request, so checked headers are
// kept by their text: decoding it is about a tenth of an RS256 verify. Bounded, and only
// valid headers get in, so hostile input can churn it but not grow it.
const checkedHeaders = new Map<string, JwtHeader>();
const checkedHeadersLimit = 1024;

function decodeHeader(segment: string): JwtHeader {
  const known = checkedHeaders.get(segment);
  if (known) return known;
  const header = decodeJsonObject(segment, "header");
  if (typeof header.alg !== "string") throw new AuthError("malformed_token", "the JWT header has no alg");
  // No extension is understood, so any critical one must be refused (RFC 7515 §4.1.11).
  if (header.crit !== undefined) throw new AuthError("malformed_token", "the JWT header has critical extensions");
  if (header.kid !== undefined && typeof header.kid !== "string") {
    throw new AuthError("malformed_token", "the JWT kid is not a string");
  }
  const checked: JwtHeader = Object.freeze({ alg: header.alg, kid: header.kid as string | undefined });
  if (checkedHeaders.size >= checkedHeadersLimit) checkedHeaders.clear();
  checkedHeaders.set(segment, checked);
  return checked;
}

/** Splits and decodes a compact JWS. Throws AuthError and nothing else. */
export function decodeJwt(token: string): UnverifiedJwt {
  if (token.length > maxJwtLength) throw new AuthError("credentials_too_large", `the JWT is longer than ${maxJwtLength} bytes`);
  // indexOf rather than split: this runs on every request and allocates nothing extra.
  const firstDot = token.indexOf(".");
  const secondDot = firstDot < 0 ? -1 : token.indexOf(".", firstDot + 1);
  if (secondDot < 0 || token.includes(".", secondDot + 1)) throw new AuthError("malformed_token", "a JWT has three dot-separated parts");
  const header = decodeHeader(token.slice(0, firstDot));
  const claims = decodeJsonObject(token.slice(firstDot + 1, secondDot), "payload");
  const signature = decodeSegment(token.slice(secondDot + 1), "signature");
  if (claims.username === undefined) throw new AuthError("missing_claim", "the JWT has no username claim");
  if (typeof claims.username !== "string" || claims.username === "" || claims.username.length > 256) {
    throw new AuthError("invalid_claim", "the JWT username claim is not a non-empty string");
  }
  return {
    alg: header.alg,
    untrustedKid: header.kid,
    untrustedUsername: claims.username,
    claims,
    // ASCII: both segments re-encoded to themselves above.
    signingInput: Buffer.from(token.slice(0, secondDot), "latin1"),
    signature,
  };
}
