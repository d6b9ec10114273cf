import crypto, { type KeyObject } from "node:crypto";
import { forgeJwt, signWith } from "./forge-jwt.js";

let counter = 0;

/** A fresh, honest asymmetric-jwt-auth token for `username`, signed with `key` (RSA, Ed25519 or ECDSA). */
export function jwtFor(
  username: string,
  key: KeyObject,
  options: { time: number; kid?: string | undefined; nonce?: string | undefined; claims?: Record<string, unknown> | undefined },
): string {
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const [alg, sign] =
    type === "rsa"
      ? ["RS512", signWith.rsa(key)]
      : type === "ed25519"
        ? ["EdDSA", signWith.ed25519(key)]
        : curve === "prime256v1"
          ? ["ES256", signWith.ecdsa(key, "sha256")]
          : curve === "secp384r1"
            ? ["ES384", signWith.ecdsa(key, "sha384")]
            : ["ES512", signWith.ecdsa(key, "sha512")];
  const header = options.kid ? { alg, kid: options.kid, typ: "JWT" } : { alg, typ: "JWT" };
  const claims = { username, time: options.time, nonce: options.nonce ?? `t${++counter}${crypto.randomBytes(4).toString("hex")}`, ...options.claims };
  return `JWT ${forgeJwt({ header, claims, sign })}`;
}

export function spkiPem(key: KeyObject): string {
  const publicKey = key.type === "public" ? key : crypto.createPublicKey(key);
  return publicKey.export({ type: "spki", format: "pem" }) as string;
}
