import crypto from "node:crypto";
import { jwsAlgorithmsFor, type JwsAlgorithm, type JwsAlgorithmName } from "../keys/algorithms.js";
import type { Signer } from "./signer.js";
import { pythonJsonDumps } from "./python-json.js";
import { signerSupportsRsaHash, type ClientRsaHash, type ClientSigner } from "./signature.js";
import { parseOptions } from "../options/parse-options.js";

/** JWS algorithms the asymmetric-jwt-auth format allows (ES* is this project's extension). */
export type JwtAlgorithm = JwsAlgorithmName;

export interface CreateJwtOptions {
  signer: Signer;
  username: string;
  /** Clock in milliseconds; default Date.now. The `time` claim is whole seconds (floored). */
  now?: (() => number) | undefined;
  /** Default: 8 random bytes, base64url (11 characters), like `secrets.token_urlsafe(8)`. */
  nonce?: string | undefined;
  /**
   * Default by key: RSA → RS512 (what the upstream client sends), Ed25519 → EdDSA,
   * ECDSA → ES256/ES384/ES512 by curve. RSA may also use RS256/RS384 (RS384 needs a key
   * file: ssh-agent cannot hash with SHA-384).
   */
  algorithm?: JwtAlgorithm | undefined;
  /**
   * The service the token is for, sent as the `aud` claim (e.g. a console's URL, which
   * refuses tokens without it). Omit it for upstream asymmetric-jwt-auth servers: PyJWT
   * refuses any `aud` when the server configured none.
   */
  audience?: string | undefined;
}

/**
 * An asymmetric-jwt-auth token (compact JWS), byte-identical to what the upstream Python
 * client (`Token.create_auth_header`, PyJWT) makes for the same key, time and nonce:
 * header `{"alg":…,"kid":…,"typ":"JWT"}`, claims `{"username":…,"time":…,"nonce":…}`,
 * both compact JSON with non-ASCII escaped as `\uXXXX`.
 */
export async function createJwtToken(options: CreateJwtOptions): Promise<string> {
  // The schema (zod) is imported here, not at the top: the CLI calls signJwtToken, its options
  // typed by commander's, and importing zod cost every `token jwt` start.
  parseOptions((await import("./options.js")).createJwtOptionsSchema, options, "createJwtToken");
  return signJwtToken(options);
}

/** createJwtToken without checking `options` at run time (callers whose types are trusted: the CLI). */
export async function signJwtToken(options: CreateJwtOptions): Promise<string> {
  const { signer, username } = options;
  const nowMs = (options.now ?? Date.now)();
  if (!Number.isFinite(nowMs)) throw new TypeError("createJwtToken: now() must return milliseconds");
  const time = Math.floor(nowMs / 1000);
  const nonce = options.nonce ?? crypto.randomBytes(8).toString("base64url");

  const key = signer.publicKey;
  const { name: alg, hash, keyType } = chooseAlgorithm(key.type, options.algorithm);
  const rsaHash: ClientRsaHash | undefined = keyType === "ssh-rsa" && hash !== null ? hash : undefined;
  if (rsaHash && !signerSupportsRsaHash(signer, rsaHash)) {
    throw new TypeError(`createJwtToken: this signer cannot make ${alg} signatures`);
  }

  // PyJWT sorts header keys: alg, kid, typ.
  const header = pythonJsonDumps({ alg, kid: key.kid, typ: "JWT" });
  const { audience } = options;
  const claims = pythonJsonDumps(audience === undefined ? { username, time, nonce } : { username, time, nonce, aud: audience });
  const signingInput = `${b64url(header)}.${b64url(claims)}`;
  // Signer forms are already JOSE's: RSA PKCS#1 bytes, Ed25519 64 bytes, ECDSA r‖s.
  // Widened to ClientSigner's sign: "sha384" only gets here if signerSupportsRsaHash said yes.
  const sign = signer.sign.bind(signer) as ClientSigner["sign"];
  const signature = await sign(Buffer.from(signingInput, "ascii"), rsaHash ? { rsaHash } : {});
  return `${signingInput}.${signature.toString("base64url")}`;
}

/** The `Authorization` header value: `JWT <token>`. */
export async function createJwtAuthorization(options: CreateJwtOptions): Promise<string> {
  return `JWT ${await createJwtToken(options)}`;
}

function chooseAlgorithm(type: string, requested: JwtAlgorithm | undefined): JwsAlgorithm {
  const allowed = jwsAlgorithmsFor(type);
  if (allowed.length === 0) throw new TypeError(`createJwtToken: no JWT algorithm for key type ${type}`);
  if (requested === undefined) return allowed[0]!;
  const chosen = allowed.find((algorithm) => algorithm.name === requested);
  if (!chosen) {
    const names = allowed.map((algorithm) => algorithm.name).join(", ");
    throw new TypeError(`createJwtToken: algorithm ${requested} does not fit a ${type} key (allowed: ${names})`);
  }
  return chosen;
}

function b64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}
