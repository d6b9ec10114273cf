import { AuthError } from "../../errors.js";

/** Longest JWS accepted; real tokens are under 1 KiB (RSA-4096: ~900 bytes). */
export const maxJwtLength = 8 * 1024;

const base64url = /^[A-Za-z0-9_-]*$/;

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
  // Buffer.from(…, "base64url") skips foreign characters silently; refuse them instead.
  if (!base64url.test(segment) || segment.length % 4 === 1) {
    throw new AuthError("malformed_token", `the JWT ${what} is not base64url`);
  }
  return Buffer.from(segment, "base64url");
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

/** Splits and decodes a compact JWS. Throws AuthError and nothing else. */
export function decodeJwt(token: string): UnverifiedJwt {
  if (token.length > maxJwtLength) throw new AuthError("credentials_too_large", `the JWT is longer than ${maxJwtLength} bytes`);
  const parts = token.split(".");
  if (parts.length !== 3) throw new AuthError("malformed_token", "a JWT has three dot-separated parts");
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJsonObject(headerPart, "header");
  const claims = decodeJsonObject(payloadPart, "payload");
  const signature = decodeSegment(signaturePart, "signature");

  if (typeof header.alg !== "string") throw new AuthError("malformed_token", "the JWT header has no alg");
  // No extension is understood, so any critical one must be refused (RFC 7515 §4.1.11).
  if (header.crit !== undefined) throw new AuthError("malformed_token", "the JWT header has critical extensions");
  if (header.kid !== undefined && typeof header.kid !== "string") {
    throw new AuthError("malformed_token", "the JWT kid is not a string");
  }
  if (claims.username === undefined) throw new AuthError("missing_claim", "the JWT has no username claim");
  if (typeof claims.username !== "string" || claims.username === "" || claims.username.length > 256) {
    throw new AuthError("invalid_claim", "the JWT username claim is not a non-empty string");
  }
  return {
    alg: header.alg,
    untrustedKid: header.kid as string | undefined,
    untrustedUsername: claims.username,
    claims,
    signingInput: Buffer.from(`${headerPart}.${payloadPart}`, "ascii"),
    signature,
  };
}
