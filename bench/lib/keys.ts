// Fresh key pairs for the benchmark, described through the library's public key API.
import type { KeyObject } from "node:crypto";
import { publicKeyFromKeyObject, type ParsedPublicKey } from "../../strategy/index.js";
import { loadKeyFileSigner, type ClientSigner } from "../../strategy/client/index.js";
import { freshKeyPair } from "../../test/support/fresh-keys.js";

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
  // freshKeyPair: keys straight from generateKeyPairSync can deadlock Node 20 when exported.
  const { privateKey, publicKey } =
    type === "rsa2048"
      ? freshKeyPair("rsa", { modulusLength: 2048 })
      : type === "ed25519"
        ? freshKeyPair("ed25519")
        : freshKeyPair("ec", { namedCurve: "prime256v1" });
  return {
    type,
    privateKey,
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    publicKey,
    publicPem: publicKey.export({ type: "spki", format: "pem" }) as string,
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
