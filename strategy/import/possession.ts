import { createHmac, timingSafeEqual } from "node:crypto";
import { isAuthError } from "../errors.js";
import { sshKeyType } from "../keys/algorithms.js";
import { sshSignatureVerifies } from "../keys/ssh-signature.js";
import type { ParsedPublicKey } from "../keys/types.js";
import { decodeSshsigBlob, sshsigSignedData, type SshsigHash } from "../schemes/sshsig/blob.js";
import { fidoApplication, fidoSignedData } from "../schemes/sshsig/security-key.js";
import { prepareSignature } from "../schemes/sshsig/verify.js";
import { ImportError } from "./errors.js";

/** The SSHSIG namespace of a proof of possession: a signature made for logins (http@…) or git never counts as one. */
export const possessionNamespace = "passport-sshkey-verify";

/** Longest armored signature read: an RSA-16384 one is under 6 KiB. */
const maxSignatureChars = 16 * 1024;

/**
 * The text the owner signs to prove holding a key: bound to the user and the key by an HMAC
 * with the store's possession secret, so it needs no table, stays the same until it is used,
 * and a signature over it proves nothing for another key or another user.
 */
export function possessionChallenge(secret: string, userId: string, fingerprintSha256: string): string {
  const mac = createHmac("sha256", secret).update(`${userId}\n${fingerprintSha256}`).digest("base64url");
  return `passport-sshkey verify ${fingerprintSha256} ${mac}`;
}

/** The command that signs the challenge, for the CLI and the console to show. */
export function possessionCommand(challenge: string, keyFile = "~/.ssh/id_ed25519"): string {
  return `echo -n '${challenge}' | ssh-keygen -Y sign -n ${possessionNamespace} -f ${keyFile}`;
}

function notProven(reason: string): ImportError {
  return new ImportError("possession_not_proven", `the signature does not prove holding this key: ${reason}`);
}

function unarmor(text: string): Buffer {
  if (typeof text !== "string" || text.length > maxSignatureChars)
    throw notProven(`expected an armored SSH signature of at most ${maxSignatureChars} characters`);
  const match = /^\s*-----BEGIN SSH SIGNATURE-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END SSH SIGNATURE-----\s*$/.exec(text);
  if (!match) throw notProven("expected the armored output of ssh-keygen -Y sign (-----BEGIN SSH SIGNATURE----- …)");
  return Buffer.from(match[1]!.replace(/\s+/g, ""), "base64");
}

/**
 * Checks an armored SSHSIG (`ssh-keygen -Y sign -n passport-sshkey-verify`) over `challenge`
 * by `key`, with the SSHSIG scheme's own decoder and verifier. Throws ImportError
 * ("possession_not_proven") saying what was wrong: not a signature, another namespace, another
 * key, or a signature that does not verify.
 */
export function verifyPossession(key: ParsedPublicKey, challenge: string, armored: string): void {
  let blob;
  let prepared;
  try {
    blob = decodeSshsigBlob(unarmor(armored));
    prepared = prepareSignature(blob);
  } catch (error) {
    if (isAuthError(error)) throw notProven(error.message);
    throw error;
  }
  if (blob.namespace !== possessionNamespace)
    throw notProven(`it was made for namespace ${JSON.stringify(blob.namespace)}, not ${possessionNamespace} (ssh-keygen -n)`);
  if (blob.hashAlgorithm !== "sha256" && blob.hashAlgorithm !== "sha512")
    throw notProven(`hash algorithm ${JSON.stringify(blob.hashAlgorithm)} is not accepted`);
  if (blob.publicKey.length !== key.blob.length || !timingSafeEqual(blob.publicKey, key.blob)) throw notProven("it was made with another key");
  const signed = sshsigSignedData(possessionNamespace, blob.hashAlgorithm as SshsigHash, challenge);
  const data = prepared.fido === null ? signed : fidoSignedData(fidoApplication(blob.publicKey, sshKeyType(key.type)), prepared.fido, signed);
  if (!sshSignatureVerifies(data, key.keyObject, prepared)) throw notProven("it is not a signature of this key's challenge");
}
