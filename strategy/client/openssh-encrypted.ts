import crypto, { type KeyObject } from "node:crypto";
import sshpk from "sshpk";

// Only encrypted OpenSSH keys come here (key-file-signer.ts imports this module when it meets
// one): sshpk has the bcrypt-pbkdf KDF, but importing it costs every CLI start that needs it not.

/** An encrypted OpenSSH key file, decrypted: its comment, and the key once converted. */
export interface DecryptedOpenSshKey {
  comment: string;
  /** Throws when the decrypted key cannot be made a KeyObject. */
  keyObject(): KeyObject;
}

/** Decrypts an encrypted OpenSSH key file with sshpk (throws what sshpk throws: a wrong passphrase, mostly). */
export function decryptOpenSsh(text: string, passphrase: string | Buffer): DecryptedOpenSshKey {
  const pk = sshpk.parsePrivateKey(text, "ssh-private", { passphrase });
  return { comment: (pk.comment ?? "").trim(), keyObject: () => sshpkToKeyObject(pk) };
}

function sshpkToKeyObject(pk: sshpk.PrivateKey): KeyObject {
  if (pk.type === "ed25519") {
    // sshpk writes a PKCS#8 v2 that OpenSSL refuses for Ed25519 (RECIPES §4): go through JWK.
    const parts = pk.part as unknown as Record<string, { data: Buffer } | undefined>;
    const A = parts["A"]?.data;
    const k = parts["k"]?.data;
    if (!A || !k) throw new Error("ed25519 key parts missing");
    const seed = k.length === 64 ? k.subarray(0, 32) : k;
    return crypto.createPrivateKey({
      key: { kty: "OKP", crv: "Ed25519", d: seed.toString("base64url"), x: A.toString("base64url") },
      format: "jwk",
    });
  }
  return crypto.createPrivateKey({ key: pk.toString("pkcs8"), format: "pem" });
}
