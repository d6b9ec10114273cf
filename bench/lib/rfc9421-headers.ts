// Fresh RFC 9421 Signature-Input + Signature pairs over `@method` and `@target-uri`, made
// with the shared signature-base code (test/schemes/rfc9421 proves it against the RFC's
// vectors and an independent implementation) and node:crypto. Each carries its own nonce, so
// replay protection stays on and every request is new.
import crypto from "node:crypto";
import { serializeSignature, serializeSignatureInput } from "../../strategy/schemes/rfc9421/fields.js";
import { headerLookup } from "../../strategy/schemes/rfc9421/message.js";
import { signatureBase, signatureParameters } from "../../strategy/schemes/rfc9421/signature-base.js";
import type { BenchKey, CapturedSignature } from "./keys.js";

/** The request the headers are signed for: what the server will rebuild. */
export interface Rfc9421Target {
  method: string;
  /** Absolute: scheme, authority, path and query. */
  targetUri: string;
}

const covered = ["@method", "@target-uri"].map((name) => ({ name, params: new Map() }));

/** `count` credential header sets, created now, each with a fresh nonce; `captured` gets the exact bytes signed. */
export function rfc9421Headers(key: BenchKey, count: number, request: Rfc9421Target, captured?: CapturedSignature[]): Record<string, string>[] {
  if (key.type !== "ed25519" && key.type !== "p256") throw new Error(`rfc9421 bench: no ${key.type} signer`);
  const created = Math.floor(Date.now() / 1000);
  const message = { ...request, header: headerLookup({}) };
  return Array.from({ length: count }, () => {
    const params = signatureParameters({ created, nonce: crypto.randomBytes(12).toString("base64url"), keyid: key.parsed.fingerprintSha256 });
    const data = Buffer.from(signatureBase(message, covered, params));
    const signature =
      key.type === "ed25519" ? crypto.sign(null, data, key.privateKey) : crypto.sign("sha256", data, { key: key.privateKey, dsaEncoding: "ieee-p1363" });
    captured?.push({ data, signature, key: key.publicKey });
    return { "signature-input": serializeSignatureInput("sig1", covered, params), signature: serializeSignature("sig1", signature) };
  });
}
