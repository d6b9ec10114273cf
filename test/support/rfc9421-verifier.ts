// The independent RFC 9421 verifier the client's tests check against: `http-message-signatures`
// (dev dependency, CommonJS) with verifiers built here on node:crypto from ssh-keygen's own
// export of the public key, so nothing of ours reads the key, the base or the signature.
import crypto from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { keygenFingerprint, nodePublicKeyFromPub } from "./ssh-keygen.js";

const { httpbis } = createRequire(import.meta.url)("http-message-signatures") as typeof import("http-message-signatures");

/** The registered RFC 9421 algorithm (§6.2) of each key type an SSH key signs with. */
const httpSignatureAlgOfType: Readonly<Record<string, string>> = {
  "ssh-ed25519": "ed25519",
  "ecdsa-sha2-nistp256": "ecdsa-p256-sha256",
  "ecdsa-sha2-nistp384": "ecdsa-p384-sha384",
  "ssh-rsa": "rsa-v1_5-sha256",
};

function nodeVerifier(alg: string, key: crypto.KeyObject) {
  return async (data: Buffer, signature: Buffer): Promise<boolean> => {
    switch (alg) {
      case "ed25519":
        return crypto.verify(null, data, key, signature);
      case "ecdsa-p256-sha256":
        return crypto.verify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, signature);
      case "ecdsa-p384-sha384":
        return crypto.verify("sha384", data, { key, dsaEncoding: "ieee-p1363" }, signature);
      case "rsa-v1_5-sha256":
        return crypto.verify("sha256", data, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, signature);
      default:
        return false;
    }
  };
}

export interface SignedRequest {
  method: string;
  /** The absolute URL: the library's @target-uri is its text. */
  url: string;
  headers: Record<string, string>;
}

/**
 * httpbis.verifyMessage with the one key in `pubPath` under its `ssh-keygen -lf` fingerprint
 * (any other keyid is unknown), requiring created, nonce, keyid and alg, and @method,
 * @target-uri (+ content-digest when the request has one) unless `requiredFields` says
 * otherwise, at most 60 s old. True when it verifies, false when the signature does not, null
 * when no signature names the key.
 */
export async function thirdPartyVerifies(pubPath: string, request: SignedRequest, requiredFields?: string[]): Promise<boolean | null> {
  const [type] = readFileSync(pubPath, "utf8").split(" ");
  const alg = httpSignatureAlgOfType[type!];
  if (alg === undefined) throw new Error(`no RFC 9421 alg for ${type}`);
  const key = nodePublicKeyFromPub(pubPath);
  const fingerprint = keygenFingerprint(pubPath);
  const digest = Object.keys(request.headers).some((name) => name.toLowerCase() === "content-digest");
  return httpbis.verifyMessage(
    {
      keyLookup: async (params) => (params.keyid === fingerprint ? { id: fingerprint, algs: [alg], verify: nodeVerifier(alg, key) } : null),
      requiredParams: ["created", "nonce", "keyid", "alg"],
      requiredFields: requiredFields ?? (digest ? ["@method", "@target-uri", "content-digest"] : ["@method", "@target-uri"]),
      maxAge: 60,
    },
    request,
  );
}

/** RFC 9530 `sha-256=:…:` of a body, computed here. */
export function sha256ContentDigest(body: string | Buffer): string {
  return `sha-256=:${crypto.createHash("sha256").update(body).digest("base64")}:`;
}
