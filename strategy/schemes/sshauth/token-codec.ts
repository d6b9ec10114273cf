import { AuthError } from "../../errors.js";
import { formatSha256Fingerprint } from "../../keys/fingerprint.js";
import { encodeBase64Url } from "../../keys/base64.js";
import { decodeBase64UrlStrict } from "./base64.js";
import { PostcardError, PostcardReader, PostcardWriter } from "./postcard.js";

/**
 * sshauth token = base64url_nopad(postcard(Token::V1 { signed: TokenV1, signature })).
 *
 *   00                              Token::V1 (enum variant 0; no other variant exists)
 *   -- TokenV1 ("signed") --
 *   00 | 01 00 <varint len> <utf8>  identity: Option<TokenIdentity::FileName(String)>
 *   00 | 01 00 <32 bytes>           fingerprint: Option<TokenFingerprint::Sha256([u8; 32])>
 *   <varint u64>                    timestamp, UNIX seconds
 *   -- TokenSignature --
 *   <varint u32>                    algorithm: 0 = Ecdsa256, 1 = Ed25519
 *   <varint len> <bytes>            signature data (see signature.ts)
 *
 * Committed upstream layout: it must never change. Bytes after the value are ignored,
 * as postcard::from_bytes ignores them.
 */

/** Upstream has no limit; ours bounds work and memory on hostile input (real tokens are < 200). */
export const MAX_TOKEN_LENGTH = 4096;

export type SshauthAlgorithm = "ecdsa-sha2-nistp256" | "ssh-ed25519";

/** Wire index of each algorithm (TokenSignatureAlgorithm). */
const ALGORITHM_BY_INDEX: readonly SshauthAlgorithm[] = ["ecdsa-sha2-nistp256", "ssh-ed25519"];

/** The transmitted, signed part of a token. */
export interface TokenV1Fields {
  identity: string | null;
  /** Raw SHA-256 over the SSH public-key blob, 32 bytes. */
  fingerprint: Buffer | null;
  /** UNIX seconds; a u64 on the wire. */
  timestamp: bigint;
}

export interface SshauthTokenParts {
  signed: TokenV1Fields;
  algorithm: SshauthAlgorithm;
  /** Signature data exactly as transmitted (not yet structure-checked). */
  signatureData: Buffer;
}

const IDENTITY = /^[A-Za-z0-9_-]{2,}$/;

/** Upstream's `valid_identity`: at least two of `A–Z a–z 0–9 - _`, usable as a file name. */
export function isValidSshauthIdentity(name: string): boolean {
  return IDENTITY.test(name);
}

/**
 * A decoded token whose contents are not trusted. Only the key-lookup hints are
 * readable, under names that say so; verify.ts reads the rest through `tokenParts`.
 */
export class UnverifiedSshauthToken {
  readonly #parts: SshauthTokenParts;

  private constructor(parts: SshauthTokenParts) {
    this.#parts = parts;
  }

  /** @internal Use decodeSshauthToken. */
  static fromParts(parts: SshauthTokenParts): UnverifiedSshauthToken {
    return new UnverifiedSshauthToken(parts);
  }

  /** @internal For tokenParts. */
  static partsOf(token: UnverifiedSshauthToken): SshauthTokenParts {
    if (!(#parts in token)) throw new TypeError("not a decoded sshauth token");
    return token.#parts;
  }

  /** The fingerprint the token claims, "SHA256:…" — a lookup hint, NOT authenticated. */
  get untrustedFingerprint(): string | null {
    const fp = this.#parts.signed.fingerprint;
    return fp === null ? null : formatSha256Fingerprint(fp);
  }

  /** The identity file name the token claims — a lookup hint, NOT authenticated. */
  get untrustedIdentity(): string | null {
    return this.#parts.signed.identity;
  }

  /** The signature algorithm the token declares; lets a lookup skip keys of other types. */
  get algorithm(): SshauthAlgorithm {
    return this.#parts.algorithm;
  }
}

/** @internal For verify.ts: the decoded fields of an unverified token. */
export function tokenParts(token: UnverifiedSshauthToken): SshauthTokenParts {
  return UnverifiedSshauthToken.partsOf(token);
}

function malformed(reason: string, detail?: Record<string, unknown>): AuthError {
  return new AuthError("malformed_token", `invalid sshauth token: ${reason}`, {
    detail: { reason, ...detail },
  });
}

/**
 * Decode the token text. Total: any input either yields a token or throws an
 * AuthError (`malformed_token`, or `unsupported_version` for an unknown Token variant).
 */
export function decodeSshauthToken(text: string): UnverifiedSshauthToken {
  if (typeof text !== "string") throw malformed("not a string");
  if (text.length > MAX_TOKEN_LENGTH) throw malformed("too long", { length: text.length, max: MAX_TOKEN_LENGTH });
  const raw = decodeBase64UrlStrict(text);
  if (raw === null) throw malformed("bad base64url");
  try {
    return UnverifiedSshauthToken.fromParts(decodeRaw(raw));
  } catch (err) {
    if (err instanceof PostcardError) throw malformed(err.fault, { offset: err.offset });
    if (err instanceof AuthError) throw err;
    // Not reachable by design; kept so hostile input can never surface another error type.
    throw new AuthError("malformed_token", "invalid sshauth token", { cause: err });
  }
}

function decodeRaw(raw: Buffer): SshauthTokenParts {
  const r = new PostcardReader(raw);

  const version = r.variant();
  if (version !== 0) {
    throw new AuthError("unsupported_version", `unsupported sshauth token version ${version}`, {
      detail: { version: version.toString() },
    });
  }

  let identity: string | null = null;
  if (r.option()) {
    const at = r.offset;
    if (r.variant() !== 0) throw malformed("unknown identity kind", { offset: at });
    identity = r.string();
    // Upstream checks this while decoding (Token::decode), before any key is looked up.
    if (!isValidSshauthIdentity(identity)) throw malformed("invalid identity", { offset: at });
  }

  let fingerprint: Buffer | null = null;
  if (r.option()) {
    const at = r.offset;
    if (r.variant() !== 0) throw malformed("unknown fingerprint kind", { offset: at });
    fingerprint = r.fixed(32);
  }

  const timestamp = r.varint(64);

  const algAt = r.offset;
  const algorithm = ALGORITHM_BY_INDEX[r.variant()];
  if (algorithm === undefined) throw malformed("unknown signature algorithm", { offset: algAt });

  const signatureData = r.byteVec();
  // Anything after this point is ignored, like postcard::from_bytes does.
  return { signed: { identity, fingerprint, timestamp }, algorithm, signatureData };
}

/** Writes TokenV1's canonical postcard bytes to `w` (also the start of the signing blob). */
export function writeTokenV1(w: PostcardWriter, fields: TokenV1Fields): PostcardWriter {
  w.option(fields.identity !== null);
  if (fields.identity !== null) w.varint(0).string(fields.identity);
  w.option(fields.fingerprint !== null);
  if (fields.fingerprint !== null) {
    if (fields.fingerprint.length !== 32) throw new RangeError("fingerprint must be 32 bytes");
    w.varint(0).fixed(fields.fingerprint);
  }
  return w.varint(fields.timestamp);
}

/** Encode a token (the inverse of decodeSshauthToken, canonical form). */
export function encodeSshauthToken(parts: SshauthTokenParts): string {
  const w = new PostcardWriter();
  writeTokenV1(w.varint(0), parts.signed);
  w.varint(ALGORITHM_BY_INDEX.indexOf(parts.algorithm)).byteVec(parts.signatureData);
  return encodeBase64Url(w.toBuffer());
}
