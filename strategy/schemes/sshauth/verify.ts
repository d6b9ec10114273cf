import { hash, timingSafeEqual, verify as cryptoVerify, type KeyObject } from "node:crypto";
import { clockRefusal } from "../../core/clock-skew.js";
import { AuthError } from "../../errors.js";
import { decoyKey } from "../decoy-keys.js";
import { sshKeyType } from "../../keys/algorithms.js";
import { formatSha256Fingerprint } from "../../keys/fingerprint.js";
import type { ParsedPublicKey } from "../../keys/types.js";
import { DEFAULT_MAGIC, normalizeMagic, signedMessageWith, type SshauthAction } from "./signed-message.js";
import { ecdsaP256MpintsToP1363, isEd25519SignatureData } from "./signature.js";
import { decodeSshauthToken, tokenParts, UnverifiedSshauthToken, type SshauthAlgorithm, type SshauthTokenParts } from "./token-codec.js";

/** What verification needs from a public key (a ParsedPublicKey has all of it). */
export type SshauthPublicKey = Pick<ParsedPublicKey, "type" | "blob" | "keyObject">;

/** Untrusted lookup hints handed to a candidate lookup function. */
export interface SshauthKeyHints {
  /** "SHA256:…" claimed by the token, or null. NOT authenticated. */
  fingerprintSha256: string | null;
  /** Identity file name claimed by the token, or null. NOT authenticated. */
  identity: string | null;
  /** Only keys of this type can verify the token. */
  algorithm: SshauthAlgorithm;
}

type SshauthCandidateSource<C> = readonly C[] | ((hints: SshauthKeyHints) => readonly C[] | Promise<readonly C[]>);

export interface SshauthVerifyOptions<C> {
  /** Keys to try, in order, or a lookup called once (after the token's structure checks). */
  candidates: SshauthCandidateSource<C>;
  /** The public key of a candidate; defaults to the candidate itself. */
  keyOf?: (candidate: C) => SshauthPublicKey;
  /** 8-byte application prefix; default "byo.e.m.". */
  magic?: string | Uint8Array;
  /** The action list the client must have signed (binding.ts builds the HTTP one). */
  actions?: readonly SshauthAction[];
  /** The current time: a Date, or UNIX **seconds**. Default: the wall clock. */
  now?: Date | number;
  /** Inclusive window either side of `now`; default 60, like upstream. */
  maxSkewSeconds?: number;
}

export interface SshauthVerified<C> {
  /** The candidate whose key verified the signature. */
  candidate: C;
  /** "SHA256:…" of that key (equal to the token's fingerprint when it carried one). */
  fingerprintSha256: string;
  /** The identity the token carried (now authenticated by the signature), or null. */
  identity: string | null;
  /** The token's signed timestamp, UNIX seconds. */
  timestamp: number;
  /**
   * One-time identifier for a ReplayStore: hex SHA-256 of the verifying key's raw
   * fingerprint followed by the 52-byte signed message. It does not depend on the
   * signature bytes, so a re-signed or malleated (r, n−s) copy of the same message
   * counts as the same use. Two identical requests signed within the same second by
   * the same key also share it.
   */
  replayId: string;
  /** When the token stops being acceptable: (timestamp + maxSkewSeconds + 1) s. */
  replayExpiresAt: Date;
}

/** Does the node:crypto key really hold a key of this algorithm? A mislabelled candidate is skipped. */
function keyObjectFits(algorithm: SshauthAlgorithm, key: KeyObject): boolean {
  const info = sshKeyType(algorithm);
  if (info.family === "ed25519") return key.asymmetricKeyType === "ed25519";
  return key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === info.nodeCurve;
}

interface KeyDigest {
  raw: Buffer;
  text: string;
}

// A key's SHA-256 is the same on every request it signs: kept per wire blob (held as long as
// the key is, in the key cache), rather than hashed and base64-encoded again for each token.
const keyDigests = new WeakMap<Buffer, KeyDigest>();

function keyDigestOf(blob: Buffer): KeyDigest {
  let known = keyDigests.get(blob);
  if (known === undefined) {
    const raw = hash("sha256", blob, "buffer");
    known = { raw, text: formatSha256Fingerprint(raw) };
    keyDigests.set(blob, known);
  }
  return known;
}

/** Seconds that are plainly milliseconds (year ≥ 5138) are refused as a programming error. */
const MAX_PLAUSIBLE_SECONDS = 1e11;

export function nowSeconds(now: Date | number | undefined): bigint {
  const seconds = now === undefined ? Date.now() / 1000 : now instanceof Date ? now.getTime() / 1000 : now;
  if (!Number.isFinite(seconds) || seconds < 0 || seconds >= MAX_PLAUSIBLE_SECONDS) {
    throw new TypeError(`sshauth: "now" must be a Date or UNIX seconds, got ${String(now)}`);
  }
  // Upstream's clock is whole seconds (as_secs truncates).
  return BigInt(Math.floor(seconds));
}

/**
 * Verify an sshauth token, in upstream's order:
 *   1. decode (malformed_token / unsupported_version);
 *   2. signature structure (malformed_token), before any key is looked up or tried;
 *   3. each candidate in order: keys of another algorithm are skipped; a failed
 *      signature moves on to the next key;
 *   4. on the first key that verifies: a carried fingerprint that differs from the key's
 *      is a hard `fingerprint_mismatch`; then |now − timestamp| > maxSkewSeconds is a
 *      hard `clock_skew` (the window is inclusive);
 *   5. no key of the token's algorithm → `unknown_key`; keys tried, none verified →
 *      `bad_signature` (wrong magic, wrong actions and wrong key all end here).
 * Throws AuthError for every refusal, TypeError for misuse of the options.
 */
export async function verifySshauthToken<C extends SshauthPublicKey>(
  token: string | UnverifiedSshauthToken,
  options: SshauthVerifyOptions<C>,
): Promise<SshauthVerified<C>>;
export async function verifySshauthToken<C>(
  token: string | UnverifiedSshauthToken,
  options: SshauthVerifyOptions<C> & { keyOf: (candidate: C) => SshauthPublicKey },
): Promise<SshauthVerified<C>>;
export async function verifySshauthToken<C>(token: string | UnverifiedSshauthToken, options: SshauthVerifyOptions<C>): Promise<SshauthVerified<C>> {
  const magic8 = normalizeMagic(options.magic ?? DEFAULT_MAGIC);
  const maxSkewSeconds = options.maxSkewSeconds ?? 60;
  if (!Number.isSafeInteger(maxSkewSeconds) || maxSkewSeconds < 0) {
    throw new TypeError(`sshauth: maxSkewSeconds must be a non-negative integer, got ${String(maxSkewSeconds)}`);
  }
  const checks: SshauthChecks = { magic8, actions: options.actions ?? [], nowSeconds: nowSeconds(options.now), maxSkewSeconds };
  const keyOf = options.keyOf ?? ((candidate: C) => candidate as unknown as SshauthPublicKey);

  const unverified = token instanceof UnverifiedSshauthToken ? token : decodeSshauthToken(token);
  const signed = signedParts(unverified, checks);
  const candidates =
    typeof options.candidates === "function"
      ? await options.candidates({
          fingerprintSha256: unverified.untrustedFingerprint,
          identity: unverified.untrustedIdentity,
          algorithm: signed.parts.algorithm,
        })
      : options.candidates;
  return verifySigned(signed, candidates, keyOf, checks);
}

/** What a token is checked against, its options already validated. */
export interface SshauthChecks {
  /** The 8-byte magic, as normalizeMagic gives it. */
  readonly magic8: Buffer;
  readonly actions: readonly SshauthAction[];
  /** Whole UNIX seconds. */
  readonly nowSeconds: bigint;
  readonly maxSkewSeconds: number;
}

/**
 * verifySshauthToken's steps 2–5 over keys already at hand, synchronously: the strategy's
 * codec calls it once per candidate, where an async wrapper would cost each request
 * promise turns of its own.
 */
export function verifySshauthWith<C extends SshauthPublicKey>(
  token: UnverifiedSshauthToken,
  candidates: readonly C[],
  checks: SshauthChecks,
): SshauthVerified<C> {
  return verifySigned(signedParts(token, checks), candidates, (candidate) => candidate, checks);
}

interface SignedParts {
  readonly parts: SshauthTokenParts;
  /** The signature as node:crypto takes it. */
  readonly signature: Buffer;
  /** The 52 bytes the signature covers. */
  readonly message: Buffer;
}

/** Step 2 (the signature's structure, before any key is looked up) and the signed message. */
function signedParts(token: UnverifiedSshauthToken, checks: SshauthChecks): SignedParts {
  const parts = tokenParts(token);
  const signature =
    parts.algorithm === "ssh-ed25519"
      ? isEd25519SignatureData(parts.signatureData)
        ? parts.signatureData
        : null
      : ecdsaP256MpintsToP1363(parts.signatureData);
  if (signature === null) {
    throw new AuthError("malformed_token", "invalid sshauth token: malformed signature data", {
      detail: { reason: "signature structure", algorithm: parts.algorithm },
    });
  }
  return { parts, signature, message: signedMessageWith(parts.signed, checks.actions, checks.magic8) };
}

/** Steps 3–5. */
function verifySigned<C>(signed: SignedParts, candidates: readonly C[], keyOf: (candidate: C) => SshauthPublicKey, checks: SshauthChecks): SshauthVerified<C> {
  const { parts, signature, message } = signed;
  const { nowSeconds: now, maxSkewSeconds: maxSkew } = checks;
  let tried = 0;
  for (const candidate of candidates) {
    const key = keyOf(candidate);
    if (key.type !== parts.algorithm || !keyObjectFits(parts.algorithm, key.keyObject)) continue;
    tried++;
    if (!signatureVerifies(parts.algorithm, message, key.keyObject, signature)) continue;

    const digest = keyDigestOf(key.blob);
    const keyFingerprint = digest.raw;
    const claimed = parts.signed.fingerprint;
    if (claimed !== null && !timingSafeEqual(claimed, keyFingerprint)) {
      throw new AuthError("fingerprint_mismatch", "sshauth token fingerprint does not match the key that signed it", {
        detail: { claimed: formatSha256Fingerprint(claimed), actual: formatSha256Fingerprint(keyFingerprint) },
      });
    }

    const timestamp = parts.signed.timestamp;
    const delta = now > timestamp ? now - timestamp : timestamp - now;
    if (delta > BigInt(maxSkew)) {
      throw clockRefusal(
        "clock_skew",
        { subject: "token time", offsetSeconds: Number(timestamp - now), nowMs: Number(now) * 1000, allowed: { either: maxSkew } },
        { delta: delta.toString() },
      );
    }

    const replayId = hash("sha256", Buffer.concat([keyFingerprint, message]), "hex");
    const ts = Number(timestamp); // within maxSkew of a plausible `now`: exact
    return {
      candidate,
      fingerprintSha256: digest.text,
      identity: parts.signed.identity,
      timestamp: ts,
      replayId,
      replayExpiresAt: new Date((ts + maxSkew + 1) * 1000),
    };
  }

  if (tried === 0) {
    // Unknown identity or fingerprint, or no key of this type: cost a signature check, as a
    // wrong key does, so timing does not tell which (the public answer is the same too).
    signatureVerifies(parts.algorithm, message, decoyKey(parts.algorithm), signature);
    throw new AuthError("unknown_key", "no key of the sshauth token's algorithm to verify it with", {
      detail: { algorithm: parts.algorithm },
    });
  }
  throw new AuthError("bad_signature", "sshauth token signature could not be verified", {
    detail: { algorithm: parts.algorithm, keysTried: tried },
  });
}

function signatureVerifies(algorithm: SshauthAlgorithm, message: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return algorithm === "ssh-ed25519"
      ? cryptoVerify(null, message, key, signature)
      : cryptoVerify("sha256", message, { key, dsaEncoding: "ieee-p1363" }, signature);
  } catch {
    return false;
  }
}
