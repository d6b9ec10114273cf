import { createHash, timingSafeEqual } from "node:crypto";
import type { Request } from "express";
import type { Codec, CodecContext, CredentialHints, ReplayClaim, SignCounterClaim } from "../../core/codec.js";
import { clockRefusal } from "../../core/clock-skew.js";
import { AuthError, isAuthError } from "../../errors.js";
import { isSshKeyType, sshKeyType, sshsigKeyTypes } from "../../keys/algorithms.js";
import { certificateSignatureVerifies, certifiedKeyType, decodeCertificate, type OpenSshCertificate } from "../../keys/certificate.js";
import { isKeyFormatError } from "../../keys/errors.js";
import { fingerprintSha256 } from "../../keys/fingerprint.js";
import type { SshKeyType } from "../../keys/types.js";
import type { StoredKey } from "../../store/ports.js";
import { bodyRefusal } from "../body-refusal.js";
import { decoyKey } from "../decoy-keys.js";
import { replayKey } from "../replay-key.js";
import { decodeSshsigBlob, sshsigSignedData, type SshsigBlob, type SshsigHash } from "./blob.js";
import { parseSshsigHeader, type SshsigParams } from "./header.js";
import { sshsigMessage } from "./message.js";
import { sshsigSettings, type SshsigSchemeOptions } from "./options.js";
import { checkFidoFlags, fidoApplication, fidoSignedData, signCounterClaim } from "./security-key.js";
import { sshSignatureVerifies as signatureVerifies } from "../../keys/ssh-signature.js";
import { prepareSignature, type PreparedSignature } from "./verify.js";
import { certifiedKeyFlags, checkCertificate } from "./certificate-checks.js";

export type { SshsigSchemeOptions } from "./options.js";

interface DecodedSshsig {
  readonly params: SshsigParams;
  /** For a certificate, its certified key stands in for `publickey` (what signed the request). */
  readonly blob: SshsigBlob;
  /** The certificate `publickey` held, decoded but unverified; null for a plain key. */
  readonly certificate: OpenSshCertificate | null;
  readonly keyType: SshKeyType;
  readonly signature: PreparedSignature;
  /** The data the key signed, rebuilt from the request by prepare. */
  signedData: Buffer;
}

/** The application's `bindingTarget`; what it returns is application code, so a non-string is a programming error. */
async function boundTarget(bindingTarget: (req: Request) => string | Promise<string>, req: Request): Promise<string> {
  const target: unknown = await bindingTarget(req);
  if (typeof target !== "string") throw new TypeError("sshsig scheme: bindingTarget must return a string");
  return target;
}

/**
 * A `publickey` that is an OpenSSH certificate: decoded, and the blob rewritten to its
 * certified key, so the request signature is checked exactly as a plain key's.
 */
function withCertificate(blob: SshsigBlob): { blob: SshsigBlob; certificate: OpenSshCertificate | null } {
  const plainType = certifiedKeyType(blob.keyType);
  if (plainType === null) return { blob, certificate: null };
  let certificate: OpenSshCertificate;
  try {
    certificate = decodeCertificate(blob.publicKey);
  } catch (error) {
    if (!isKeyFormatError(error)) throw error;
    throw new AuthError("malformed_token", `invalid SSHSIG certificate: ${error.message}`);
  }
  return { blob: { ...blob, publicKey: certificate.keyBlob, keyType: plainType }, certificate };
}

/** What a verified SSHSIG proves beyond the key: a security key's signature counter. */
type SshsigProof = true | { readonly signCounter: SignCounterClaim };

/**
 * SSHSIG over HTTP (`Authorization: SSHSIG username=…, time=…, nonce=…, signature=…`): a
 * request signed by `ssh-keygen -Y sign`. The blob names its key; the key must be one of
 * the claimed user's, or the certified key of an OpenSSH user certificate signed by a
 * trusted CA (certificate-checks.ts). Security keys (sk-*, from "ssh:" or a web origin) sign
 * as their authenticator does (security-key.ts).
 */
export function createSshsigScheme(options: SshsigSchemeOptions = {}): Codec<DecodedSshsig, SshsigProof> {
  const settings = sshsigSettings(options);
  return {
    name: "sshsig",
    challenge: `SSHSIG realm="${settings.realm}", namespace="${settings.namespace}"`,
    claims: (word) => word === "sshsig",
    credentialSyntax: "auth-params",
    decode(credential: string): DecodedSshsig {
      const params = parseSshsigHeader(credential);
      const { blob, certificate } = withCertificate(decodeSshsigBlob(Buffer.from(params.signature, "base64")));
      if (blob.namespace !== settings.namespace) {
        throw new AuthError(
          "namespace_mismatch",
          `the SSHSIG signature is for namespace ${JSON.stringify(blob.namespace)}, this server's is ${JSON.stringify(settings.namespace)}`,
        );
      }
      if (blob.hashAlgorithm !== "sha256" && blob.hashAlgorithm !== "sha512") {
        throw new AuthError("unsupported_hash", `SSHSIG hash algorithm ${JSON.stringify(blob.hashAlgorithm)} is not accepted (sha256 or sha512)`);
      }
      if (!isSshKeyType(blob.keyType) || !sshsigKeyTypes.has(blob.keyType)) {
        throw new AuthError("unknown_key", `SSHSIG key type ${JSON.stringify(blob.keyType)} is not accepted`);
      }
      return { params, blob, certificate, keyType: blob.keyType, signature: prepareSignature(blob), signedData: Buffer.alloc(0) };
    },
    hints(decoded: DecodedSshsig): CredentialHints {
      const cert = decoded.certificate;
      if (cert !== null) {
        return {
          untrustedUsername: decoded.params.username,
          untrustedCertificate: { caFingerprint: fingerprintSha256(cert.signatureKey), serial: cert.serial, keyId: cert.keyId, keyBlob: cert.keyBlob },
          keyTypes: new Set([decoded.keyType]),
        };
      }
      return {
        untrustedUsername: decoded.params.username,
        untrustedFingerprint: fingerprintSha256(decoded.blob.publicKey),
        keyTypes: new Set([decoded.keyType]),
      };
    },
    async prepare(decoded: DecodedSshsig, ctx: CodecContext): Promise<void> {
      const body = await ctx.request.body(settings.maxBodyBytes).catch((error: unknown) => {
        throw isAuthError(error) ? bodyRefusal(error, settings.maxBodyBytes, "SSHSIG", "sshsig.maxBodyBytes") : error;
      });
      const { username, time, nonce } = decoded.params;
      const message = sshsigMessage({
        username,
        time,
        nonce,
        method: ctx.request.method,
        host: settings.bindingHost ?? ctx.request.host,
        target: settings.bindingTarget ? await boundTarget(settings.bindingTarget, ctx.request.source as Request) : ctx.request.target,
        body,
      });
      const signedData = sshsigSignedData(settings.namespace, decoded.blob.hashAlgorithm as SshsigHash, message);
      const fido = decoded.signature.fido;
      decoded.signedData = fido === null ? signedData : fidoSignedData(fidoApplication(decoded.blob.publicKey, sshKeyType(decoded.keyType)), fido, signedData);
    },
    verifySignature(decoded: DecodedSshsig, key: StoredKey): SshsigProof | null {
      const blob = key.parsed.blob;
      if (blob.length !== decoded.blob.publicKey.length || !timingSafeEqual(blob, decoded.blob.publicKey)) return null;
      // A certified key is trusted only through its CA's signature, checked with the CA key we store.
      if ((key.certifiedBy === undefined) !== (decoded.certificate === null)) return null;
      if (key.certifiedBy !== undefined && decoded.certificate !== null) {
        const check = certificateSignatureVerifies(decoded.certificate, key.certifiedBy.authority.parsed);
        if (check === "sha1")
          throw new AuthError("alg_not_allowed", "the certificate's CA signed it with ssh-rsa (SHA-1); sign with rsa-sha2-256 or rsa-sha2-512");
        if (check !== "valid") return null;
      }
      if (!signatureVerifies(decoded.signedData, key.parsed.keyObject, decoded.signature)) return null;
      const fido = decoded.signature.fido;
      return fido === null ? true : { signCounter: signCounterClaim(fido, settings.fido) };
    },
    noKey(decoded: DecodedSshsig): AuthError {
      signatureVerifies(decoded.signedData, decoyKey(decoded.keyType), decoded.signature);
      return new AuthError("unknown_key", "no key of the user's matches the SSHSIG signature's key");
    },
    badSignature(decoded: DecodedSshsig, candidates): AuthError {
      return new AuthError("bad_signature", "SSHSIG signature could not be verified", { detail: { keyType: decoded.keyType, keysTried: candidates.length } });
    },
    afterSignature(decoded: DecodedSshsig, _proof, signer, ctx: CodecContext): void {
      const now = Math.floor(ctx.nowMs / 1000);
      const cert = decoded.certificate;
      if (cert !== null)
        checkCertificate(cert, signer, { nowSeconds: now, toleranceSeconds: settings.maxSkewSeconds, clientAddress: ctx.request.clientAddress });
      const flagged = cert === null ? signer.key : certifiedKeyFlags(cert, signer.key);
      if (decoded.signature.fido !== null) checkFidoFlags(decoded.signature.fido, flagged, signer.user, settings.fido);
      if (Math.abs(now - decoded.params.time) > settings.maxSkewSeconds) {
        throw clockRefusal("clock_skew", {
          subject: "SSHSIG time",
          offsetSeconds: decoded.params.time - now,
          nowMs: ctx.nowMs,
          allowed: { either: settings.maxSkewSeconds },
        });
      }
    },
    replay(decoded: DecodedSshsig): ReplayClaim | null {
      if (!settings.replayProtection) return null;
      const { username, time, nonce } = decoded.params;
      return {
        scope: "sshsig",
        id: replayKey(time, createHash("sha256").update(`${username}\n${time}\n${nonce}`).digest("hex")),
        expiresAt: new Date((time + settings.maxSkewSeconds + 1) * 1000),
        message: "this SSHSIG (same username, time and nonce) was already used",
      };
    },
  };
}
