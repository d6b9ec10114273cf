import { createHash } from "node:crypto";
import type { Signer } from "../../client/signer.js";
import { sshauthKeyTypes } from "../../keys/algorithms.js";
import type { SshKeyType } from "../../keys/types.js";
import { signedMessage, type SshauthAction } from "./signed-message.js";
import { ecdsaP256P1363ToMpints, ED25519_SIGNATURE_LENGTH } from "./signature.js";
import { encodeSshauthToken, isValidSshauthIdentity, type SshauthAlgorithm, type TokenV1Fields } from "./token-codec.js";
import { parseOptions } from "../../options/parse-options.js";
import { sshauthSignOptionsSchema } from "../../client/options.js";

export interface SshauthSignOptions {
  /** Holds an Ed25519 or ECDSA P-256 key (key file or ssh-agent). */
  signer: Signer;
  /** Identity file name (`[A-Za-z0-9_-]{2,}`) to put in the token, e.g. the username. */
  identity?: string | undefined;
  /** Put the key's SHA-256 fingerprint in the token (upstream default: false). */
  includeFingerprint?: boolean | undefined;
  /** 8-byte application prefix; default "byo.e.m.". */
  magic?: string | Uint8Array | undefined;
  /** Action list; the verifier must supply the same pairs in the same order. */
  actions?: readonly SshauthAction[] | undefined;
  /** UNIX seconds to sign; default: the wall clock now (upstream takes it at sign time). */
  timestamp?: number | undefined;
}

/**
 * Make an sshauth token (the base64url string). At least one of `identity` /
 * `includeFingerprint` is required, as upstream's builder insists. Misuse (bad
 * identity, unsupported key type, no lookup hint) throws TypeError.
 */
export async function signSshauthToken(options: SshauthSignOptions): Promise<string> {
  parseOptions(sshauthSignOptionsSchema, options, "signSshauthToken");
  const { signer } = options;
  const algorithm = signer.publicKey.type;
  if (!isSshauthAlgorithm(algorithm)) {
    throw new TypeError(`sshauth supports ssh-ed25519 and ecdsa-sha2-nistp256 keys only, not ${algorithm}`);
  }
  const identity = options.identity ?? null;
  if (identity !== null && !isValidSshauthIdentity(identity)) {
    throw new TypeError(`invalid sshauth identity ${JSON.stringify(identity)}: need at least two of [A-Za-z0-9_-]`);
  }
  const includeFingerprint = options.includeFingerprint ?? false;
  if (identity === null && !includeFingerprint) {
    throw new TypeError("an sshauth token must include an identity or a fingerprint");
  }
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError(`sshauth timestamp must be non-negative integer UNIX seconds, got ${String(timestamp)}`);
  }

  const signed: TokenV1Fields = {
    identity,
    fingerprint: includeFingerprint ? createHash("sha256").update(signer.publicKey.blob).digest() : null,
    timestamp: BigInt(timestamp),
  };
  const raw = await signer.sign(signedMessage(signed, options.actions ?? [], options.magic));
  return encodeSshauthToken({ signed, algorithm, signatureData: toSignatureData(algorithm, raw) });
}

function isSshauthAlgorithm(type: SshKeyType): type is SshauthAlgorithm {
  return sshauthKeyTypes.has(type);
}

function toSignatureData(algorithm: SshauthAlgorithm, raw: Buffer): Buffer {
  if (algorithm === "ssh-ed25519") {
    if (raw.length !== ED25519_SIGNATURE_LENGTH) {
      throw new Error(`signer returned a ${raw.length}-byte Ed25519 signature, expected 64`);
    }
    return raw;
  }
  return ecdsaP256P1363ToMpints(raw);
}
