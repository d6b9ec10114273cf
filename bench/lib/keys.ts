// Fresh key pairs for the benchmark, described through the library's public key API.
import crypto, { type KeyObject } from "node:crypto";
import { publicKeyFromKeyObject, type ParsedPublicKey } from "../../strategy/index.js";
import { loadKeyFileSigner, type ClientSigner } from "../../strategy/client/index.js";

export type BenchKeyType = "rsa2048" | "ed25519" | "p256";

export interface BenchKey {
  type: BenchKeyType;
  privateKey: KeyObject;
  /** PKCS#8 PEM, for the client's loadKeyFileSigner and for worker threads. */
  privatePem: string;
  publicKey: KeyObject;
  /** SPKI PEM: what passport-jwt's README passes as secretOrKey. */
  publicPem: string;
  parsed: ParsedPublicKey;
}

export function generateBenchKey(type: BenchKeyType, comment = "bench"): BenchKey {
  // Generated straight to PEM and re-imported: exporting a KeyObject that generateKeyPairSync
  // returned can deadlock Node 20 (ExportJWKEdKey allocates while holding the key's mutex; a GC
  // then finalises the KeyGenJob, which takes the same mutex). Seen in a bench run; re-imported
  // keys share no mutex with a job.
  const publicKeyEncoding = { type: "spki", format: "pem" } as const;
  const privateKeyEncoding = { type: "pkcs8", format: "pem" } as const;
  const { privateKey: privatePem, publicKey: publicPem } =
    type === "rsa2048"
      ? crypto.generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding, privateKeyEncoding })
      : type === "ed25519"
        ? crypto.generateKeyPairSync("ed25519", { publicKeyEncoding, privateKeyEncoding })
        : crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1", publicKeyEncoding, privateKeyEncoding });
  const publicKey = crypto.createPublicKey(publicPem);
  return {
    type,
    privateKey: crypto.createPrivateKey(privatePem),
    privatePem,
    publicKey,
    publicPem,
    parsed: publicKeyFromKeyObject(publicKey, comment),
  };
}

/** The project's own key-file signer for a bench key. */
export function signerFor(key: BenchKey): Promise<ClientSigner> {
  return loadKeyFileSigner({ text: key.privatePem });
}

/** One signature the client made: the exact bytes signed and the signature it returned. */
export interface CapturedSignature {
  data: Buffer;
  signature: Buffer;
  /** The signer's public key (node:crypto KeyObject). */
  key: KeyObject;
}

/**
 * Wraps a signer so every signature it makes is recorded: the raw `crypto.verify`
 * baseline then checks the very same signatures the tokens carry.
 */
export function capturingSigner(signer: ClientSigner, captured: CapturedSignature[]): ClientSigner {
  const wrapped = Object.create(signer) as ClientSigner & { sign: ClientSigner["sign"] };
  Object.defineProperty(wrapped, "sign", {
    value: async (data: Buffer, options?: Parameters<ClientSigner["sign"]>[1]) => {
      const signature = await signer.sign(data, options);
      captured.push({ data, signature, key: signer.publicKey.keyObject });
      return signature;
    },
  });
  return wrapped;
}
