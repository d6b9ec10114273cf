import { createHash } from "node:crypto";
import type { SignCounterClaim } from "../../core/codec.js";
import { AuthError } from "../../errors.js";
import type { SshKeyTypeInfo } from "../../keys/algorithms.js";
import { SshReader, sshUint32 } from "../../keys/wire.js";
import type { StoredKey, StoredUser } from "../../store/ports.js";

/**
 * FIDO security keys (sk-*) in SSHSIG, after OpenSSH's PROTOCOL.u2f. The authenticator does
 * not sign the SSHSIG signed data itself but
 *
 *   byte[32] SHA256(application) ‖ byte flags ‖ uint32 counter ‖ byte[32] SHA256(signed data)
 *
 * and the signature carries `byte flags, uint32 counter` after the plain signature.
 */

/** The authenticator's answer besides the signature: its flags and signature counter. */
export interface FidoAssertion {
  readonly flags: number;
  readonly counter: number;
}

const userPresent = 0x01;
const userVerified = 0x04;

function malformed(reason: string): AuthError {
  return new AuthError("malformed_token", `invalid SSHSIG signature: ${reason}`, { detail: { reason } });
}

/** The `byte flags, uint32 counter` after a security key's signature: exactly five bytes. */
export function readFidoAssertion(trailer: Buffer): FidoAssertion {
  if (trailer.length !== 5) throw malformed("a security key's signature ends with one flags byte and a 32-bit counter");
  const reader = new SshReader(trailer, () => malformed("security key flags and counter"));
  return { flags: reader.byte(), counter: reader.uint32() };
}

/**
 * The application an sk-* key blob ends with. The blob is the one the SSHSIG names, compared
 * byte for byte with the stored key's before any signature counts, so it is read here only to
 * rebuild what was signed.
 */
export function fidoApplication(publicKey: Buffer, info: SshKeyTypeInfo): Buffer {
  const reader = new SshReader(publicKey, () => malformed("the security key's public key"));
  reader.name();
  reader.string();
  if (info.family === "ecdsa") reader.string();
  const application = reader.string();
  reader.end();
  return application;
}

/** What the authenticator signed for SSHSIG signed data `signedData`. */
export function fidoSignedData(application: Buffer, assertion: FidoAssertion, signedData: Buffer): Buffer {
  return Buffer.concat([
    createHash("sha256").update(application).digest(),
    Buffer.of(assertion.flags),
    sshUint32(assertion.counter),
    createHash("sha256").update(signedData).digest(),
  ]);
}

/** What the deployment asks of every security key (the sshsig options). */
export interface FidoPolicy {
  readonly requireUserVerification: boolean;
  readonly signCounterRegression: "alarm" | "refuse";
}

/**
 * The flags a verified signature must carry, as sshd enforces them: user presence unless the
 * key was stored `no-touch-required`; user verification when the key was stored
 * `verify-required` or the user's or the deployment's policy asks for it.
 */
export function checkFidoFlags(assertion: FidoAssertion, key: StoredKey, user: StoredUser, policy: FidoPolicy): void {
  if ((key.touchRequired ?? true) && (assertion.flags & userPresent) === 0) {
    throw new AuthError("user_presence_required", "the security key was not touched: this key requires user presence for every signature", {
      detail: { userId: user.id, keyId: key.id, flags: assertion.flags },
    });
  }
  const verifyRequired = (key.verifyRequired ?? false) || (user.requireUserVerification ?? false) || policy.requireUserVerification;
  if (verifyRequired && (assertion.flags & userVerified) === 0) {
    throw new AuthError("user_verification_required", "the security key did not verify the user (PIN or biometric): user verification is required", {
      detail: { userId: user.id, keyId: key.id, flags: assertion.flags },
    });
  }
}

/** The counter for the pipeline to keep per key. */
export function signCounterClaim(assertion: FidoAssertion, policy: FidoPolicy): SignCounterClaim {
  return { value: assertion.counter, onRegression: policy.signCounterRegression };
}
