import { createHash } from "node:crypto";
import type { Codec, CodecContext, CredentialHints, ReplayClaim } from "../../core/codec.js";
import type { RequestView } from "../../core/request-view.js";
import { clockRefusal } from "../../core/clock-skew.js";
import { AuthError, isAuthError } from "../../errors.js";
import { httpSignatureKeyTypes } from "../../keys/algorithms.js";
import { sshSignatureVerifies } from "../../keys/ssh-signature.js";
import type { StoredKey } from "../../store/ports.js";
import { bodyRefusal } from "../body-refusal.js";
import { decoyKey } from "../decoy-keys.js";
import { replayKey } from "../replay-key.js";
import { checkContentDigest } from "./content-digest.js";
import { parseSignature, parseSignatureInput, serializeAcceptSignature } from "./fields.js";
import { rfc9421Settings, type Rfc9421SchemeOptions, type Rfc9421Settings } from "./options.js";
import { declaresBody, requestMessage } from "./request-message.js";
import { acceptSignature, requiredParams, type AcceptableSignature } from "./requirements.js";
import { signatureBase } from "./signature-base.js";
import { decoyShape, httpSignatureFor, httpSignatureVerifies } from "./verify.js";

export type { Rfc9421SchemeOptions } from "./options.js";

/** Most signatures one request may carry: each may cost a key lookup and a signature check. */
const maxSignaturesPerRequest = 4;
/** Largest Signature-Input or Signature field read; a signature of the largest accepted RSA key fits with room to spare. */
const maxFieldBytes = 8192;

/** An acceptable signature with the base it signs, once the request is rebuilt (prepare). */
interface PendingSignature extends AcceptableSignature {
  base: string;
}

interface DecodedRfc9421 {
  /** In the request's order; prepare drops those whose components the request lacks. */
  signatures: PendingSignature[];
}

const componentIds = (names: readonly string[]) => names.map((name) => ({ name, params: new Map() }));

function field(view: RequestView, name: string): string | undefined {
  const value = view.header(name);
  if (value !== undefined && Buffer.byteLength(value) > maxFieldBytes) {
    throw new AuthError("credentials_too_large", `the ${name} field is larger than ${maxFieldBytes} bytes`);
  }
  return value;
}

/**
 * The signatures worth a key: those under the configured label (or all), each checked
 * against the requirements; when none passes, the first one's refusal.
 */
function acceptableSignatures(view: RequestView, settings: Rfc9421Settings): PendingSignature[] {
  const inputField = field(view, "signature-input");
  const signatureField = field(view, "signature");
  if (inputField === undefined) throw new AuthError("signature_input_missing", "the Signature field has no Signature-Input to say what it covers");
  if (signatureField === undefined) throw new AuthError("signature_missing", "the Signature-Input field has no Signature field beside it");
  const inputs = parseSignatureInput(inputField);
  const signatures = parseSignature(signatureField);
  if (inputs.size > maxSignaturesPerRequest || signatures.size > maxSignaturesPerRequest) {
    throw new AuthError("too_many_signatures", `at most ${maxSignaturesPerRequest} signatures are read from one request`);
  }
  for (const label of signatures.keys()) {
    if (!inputs.has(label)) throw new AuthError("signature_input_missing", `Signature ${label} has no Signature-Input member`, { detail: { label } });
  }
  const labels = settings.label === undefined ? [...inputs.keys()] : [settings.label];
  if (labels.length === 0) throw new AuthError("signature_input_missing", "the Signature-Input field names no signature");
  const requirements = { components: settings.requiredComponents, body: declaresBody(view) };
  const accepted: PendingSignature[] = [];
  let firstRefusal: AuthError | null = null;
  for (const label of labels) {
    const input = inputs.get(label);
    const signature = signatures.get(label);
    try {
      if (!input)
        throw new AuthError("label_not_found", `this server verifies the signature labelled ${label}, and the request has none`, { detail: { label } });
      if (!signature) throw new AuthError("signature_missing", `Signature-Input ${label} has no Signature member`, { detail: { label } });
      accepted.push({ ...acceptSignature(input, signature, requirements), base: "" });
    } catch (error) {
      if (!isAuthError(error)) throw error;
      firstRefusal ??= error;
    }
  }
  if (accepted.length === 0) throw firstRefusal!;
  return accepted;
}

/** Checks the body against its Content-Digest, read at most `maxBodyBytes`. */
async function checkDigest(ctx: CodecContext, settings: Rfc9421Settings): Promise<void> {
  const digestField = ctx.request.header("content-digest");
  if (digestField === undefined) throw new AuthError("digest_missing", "a request with a body needs a Content-Digest field (RFC 9530)");
  const body = await ctx.request.body(settings.maxBodyBytes).catch((error: unknown) => {
    throw isAuthError(error) ? bodyRefusal(error, settings.maxBodyBytes, "RFC 9421", "rfc9421.maxBodyBytes") : error;
  });
  const check = checkContentDigest(digestField, body);
  if (check === "mismatch") throw new AuthError("digest_mismatch", "the Content-Digest is not the digest of this request's body");
  if (check === "unsupported") throw new AuthError("digest_unsupported", "the Content-Digest has no sha-256 or sha-512 digest");
  if (check === "malformed") throw new AuthError("digest_malformed", "the Content-Digest field is not a dictionary of byte sequences (RFC 9530)");
}

/**
 * RFC 9421 HTTP Message Signatures (`Signature-Input` + `Signature`) made with an SSH key:
 * `keyid` is the key's SHA256 fingerprint as `ssh-keygen -lf` prints it, and the key's
 * owner is the user. A signature must cover the method and target (requiredComponents),
 * `content-digest` when there is a body (checked against the raw body), and carry `created`
 * and `nonce`; `(keyid, nonce)` is accepted once. Of several signatures, any acceptable one
 * that verifies lets the request in. It claims requests by their headers, since its
 * credential is not in Authorization.
 */
export function createRfc9421Scheme(options: Rfc9421SchemeOptions = {}): Codec<DecodedRfc9421, PendingSignature> {
  const settings = rfc9421Settings(options);
  const acceptSignatureField = serializeAcceptSignature(settings.label ?? "sig1", componentIds(settings.requiredComponents[0]!), requiredParams());
  return {
    name: "rfc9421",
    challenge: `Signature realm="${settings.realm}"`,
    challengeHeaders: { "Accept-Signature": acceptSignatureField },
    // Its credential is in other headers: an Authorization scheme word is never its.
    claims: () => false,
    claimsRequest: (request) => request.header("signature-input") !== undefined || request.header("signature") !== undefined,
    decode(_credential: string, ctx: CodecContext): DecodedRfc9421 {
      return { signatures: acceptableSignatures(ctx.request, settings) };
    },
    hints(decoded: DecodedRfc9421): CredentialHints {
      return { untrustedUsername: null, untrustedFingerprints: decoded.signatures.map((s) => s.keyid), keyTypes: httpSignatureKeyTypes };
    },
    async prepare(decoded: DecodedRfc9421, ctx: CodecContext): Promise<void> {
      const message = await requestMessage(ctx.request, settings);
      let firstRefusal: AuthError | null = null;
      const derivable: PendingSignature[] = [];
      for (const signature of decoded.signatures) {
        try {
          signature.base = signatureBase(message, signature.components, signature.params);
          derivable.push(signature);
        } catch (error) {
          if (!isAuthError(error)) throw error;
          firstRefusal ??= error;
        }
      }
      if (derivable.length === 0) throw firstRefusal!;
      decoded.signatures = derivable;
      if (declaresBody(ctx.request) || derivable.some((s) => s.components.some((c) => c.name === "content-digest"))) await checkDigest(ctx, settings);
    },
    verifySignature(decoded: DecodedRfc9421, key: StoredKey): PendingSignature | null {
      for (const signature of decoded.signatures) {
        if (signature.keyid !== key.parsed.fingerprintSha256 || !httpSignatureVerifies(key.parsed, signature.base, signature.signature)) continue;
        // Checked only once the key's own algorithm verified, so a wrong alg never tells a stranger what the key is.
        if (signature.algKeyType !== null && signature.algKeyType !== key.parsed.type) {
          throw new AuthError(
            "alg_mismatch",
            `Signature-Input ${signature.label}: alg ${signature.alg} is not the algorithm of the ${key.parsed.type} key that signed`,
          );
        }
        return signature;
      }
      return null;
    },
    noKey(decoded: DecodedRfc9421): AuthError {
      const first = decoded.signatures[0]!;
      const type = first.algKeyType ?? "ssh-ed25519";
      const prepared = httpSignatureFor(decoyShape(type), first.signature);
      if (prepared !== null) sshSignatureVerifies(Buffer.from(first.base), decoyKey(type), prepared);
      return new AuthError("unknown_key", "no stored key has the fingerprint an RFC 9421 signature names as its keyid");
    },
    badSignature(decoded: DecodedRfc9421, candidates): AuthError {
      return new AuthError("bad_signature", "RFC 9421 signature could not be verified", {
        detail: { signatures: decoded.signatures.length, keysTried: candidates.length },
      });
    },
    afterSignature(_decoded, signature: PendingSignature, _signer, ctx: CodecContext): void {
      const now = Math.floor(ctx.nowMs / 1000);
      if (Math.abs(now - signature.created) > settings.maxAgeSeconds) {
        throw clockRefusal("clock_skew", {
          subject: "signature created",
          offsetSeconds: signature.created - now,
          nowMs: ctx.nowMs,
          allowed: { either: settings.maxAgeSeconds },
        });
      }
      if (signature.expires !== null && now > signature.expires + settings.clockToleranceSeconds) {
        throw clockRefusal("token_expired", {
          subject: "signature expires",
          offsetSeconds: signature.expires - now,
          nowMs: ctx.nowMs,
          allowed: { behind: settings.clockToleranceSeconds },
        });
      }
    },
    replay(_decoded, signature: PendingSignature): ReplayClaim | null {
      if (!settings.replayProtection) return null;
      return {
        scope: "rfc9421",
        id: replayKey(signature.created, createHash("sha256").update(`${signature.keyid}\n${signature.nonce}`).digest("hex")),
        expiresAt: new Date((signature.created + settings.maxAgeSeconds + 1) * 1000),
        message: "this RFC 9421 signature (same keyid and nonce) was already used",
      };
    },
  };
}
