import { AuthError } from "../../errors.js";
import { isSshKeyType, sshKeyType } from "../../keys/algorithms.js";
import { prepareSshSignature, type PreparedSshSignature } from "../../keys/ssh-signature.js";
import type { SshsigBlob } from "./blob.js";
import { readFidoAssertion, type FidoAssertion } from "./security-key.js";

function malformed(reason: string): AuthError {
  return new AuthError("malformed_token", `invalid SSHSIG signature: ${reason}`, { detail: { reason } });
}

/** The inner signature in node:crypto's form, with a security key's flags and counter (null for plain keys). */
export interface PreparedSignature extends PreparedSshSignature {
  readonly fido: FidoAssertion | null;
}

/**
 * Checks the inner signature's algorithm against the key type and puts it in node:crypto's
 * form (keys/ssh-signature.ts, shared with certificate signatures). RSA: rsa-sha2-256 and
 * rsa-sha2-512 only (ssh-rsa, SHA-1, is refused). A security key's signature is its plain
 * key's, followed by the authenticator's flags and counter.
 */
export function prepareSignature(blob: SshsigBlob): PreparedSignature {
  const type = blob.keyType;
  if (!isSshKeyType(type)) throw malformed(`key type ${type}`);
  const fido = sshKeyType(type).securityKey ? readFidoAssertion(blob.signatureTrailer) : null;
  if (fido === null && blob.signatureTrailer.length > 0) throw malformed("bytes after the signature");
  const prepared = prepareSshSignature(type, blob.signatureType, blob.signatureData);
  if (prepared === "sha1") throw new AuthError("alg_not_allowed", "SSHSIG: ssh-rsa (SHA-1) signatures are refused; sign with rsa-sha2-256 or rsa-sha2-512");
  if (prepared === "type_mismatch") throw malformed(`signature type ${blob.signatureType} for a ${type} key`);
  if (prepared === "malformed") throw malformed(`the ${blob.signatureType} signature bytes are not well-formed`);
  return { ...prepared, fido };
}
