import crypto, { type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isSshKeyType, sshKeyType } from "../keys/algorithms.js";
import { publicKeyFromKeyObject } from "../keys/held-key.js";
import type { ParsedPublicKey } from "../keys/types.js";
import { ClientKeyError, errorTag } from "./errors.js";
import { expandHome } from "./home-path.js";
import { ecdsaParameters, type ClientRsaHash, type ClientSigner } from "./signature.js";
import { SshReader } from "../keys/wire.js";
import { parseOptions } from "../options/parse-options.js";
import { decodeOpenSshPrivateSection, maxOpenSshBodyBytes, OpenSshKeyMismatch } from "./openssh-key.js";

export interface LoadKeyFileOptions {
  /** Passphrase of an encrypted key. An empty string is a passphrase, not "none". */
  passphrase?: string | Buffer | undefined;
}

/** A path to a private key file, or the key text itself. */
export type KeyFileSource = string | { text: string | Buffer };

/**
 * Load a private key and return a Signer for it. A path may start with `~/` (your home folder).
 *
 * Formats: OpenSSH (`BEGIN OPENSSH PRIVATE KEY`, plain or encrypted with bcrypt + AES-CTR/CBC
 * as ssh-keygen writes them), PEM PKCS#1 (`BEGIN RSA PRIVATE KEY`) and SEC1
 * (`BEGIN EC PRIVATE KEY`), plain or with legacy `Proc-Type: 4,ENCRYPTED`, and PKCS#8
 * (`BEGIN PRIVATE KEY` / `BEGIN ENCRYPTED PRIVATE KEY`).
 * Key types: RSA, Ed25519, ECDSA P-256/P-384/P-521.
 *
 * Throws ClientKeyError: `key_unreadable`, `invalid_key`, `unsupported_key`,
 * `passphrase_required`, `bad_passphrase`.
 */
export async function loadKeyFileSigner(source: KeyFileSource, options: LoadKeyFileOptions = {}): Promise<ClientSigner> {
  // The schema (zod) is imported here, not at the top: the CLI calls openKeyFileSigner, its
  // options typed by commander's, and importing zod cost every `token --key` start.
  parseOptions((await import("./options.js")).loadKeyFileOptionsSchema, options, "loadKeyFileSigner");
  return openKeyFileSigner(source, options);
}

/** loadKeyFileSigner without checking `options` at run time (callers whose types are trusted: the CLI). */
export async function openKeyFileSigner(source: KeyFileSource, options: LoadKeyFileOptions = {}): Promise<ClientSigner> {
  let text: string;
  let origin: Record<string, unknown> = {};
  if (typeof source === "string") {
    origin = { path: source };
    try {
      text = await readFile(expandHome(source), "utf8");
    } catch (err) {
      throw new ClientKeyError("key_unreadable", `cannot read key file ${source} (${errorTag(err)})`, {
        ...origin,
        error: errorTag(err),
      });
    }
  } else if (source && typeof source === "object" && (typeof source.text === "string" || Buffer.isBuffer(source.text))) {
    text = typeof source.text === "string" ? source.text : source.text.toString("utf8");
  } else {
    throw new TypeError("loadKeyFileSigner: source must be a path or { text }");
  }
  const passphrase = options.passphrase;

  const { keyObject, comment } = await decodePrivateKey(text, passphrase, origin);
  checkKeyType(keyObject, origin);
  let publicKey: ParsedPublicKey;
  try {
    publicKey = publicKeyFromKeyObject(crypto.createPublicKey(keyObject), comment);
  } catch (err) {
    // Raised about the *public* half (e.g. policy: RSA too short), so its message is safe.
    const why = err instanceof Error ? err.message : errorTag(err);
    throw new ClientKeyError("unsupported_key", `key refused: ${why}`, { ...origin, error: errorTag(err) });
  }
  return new KeyFileSigner(keyObject, publicKey);
}

const OPENSSH_RE = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/;
const NODE_PEM_RE = /-----BEGIN (RSA |EC |ENCRYPTED |)PRIVATE KEY-----/;
/** Ciphers sshpk decrypts correctly (its GCM path does not check the tag; 3DES/Blowfish need OpenSSL's legacy provider). */
const SUPPORTED_OPENSSH_CIPHERS = new Set(["none", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-cbc", "aes192-cbc", "aes256-cbc"]);

async function decodePrivateKey(
  text: string,
  passphrase: string | Buffer | undefined,
  origin: Record<string, unknown>,
): Promise<{ keyObject: KeyObject; comment: string }> {
  if (OPENSSH_RE.test(text)) return decodeOpenSsh(text, passphrase, origin);
  if (NODE_PEM_RE.test(text)) return { keyObject: decodeNodePem(text, passphrase, origin), comment: "" };

  const unsupported = [
    [/-----BEGIN DSA PRIVATE KEY-----/, "DSA keys are not supported"],
    [/PuTTY-User-Key-File-/, "PuTTY .ppk files are not supported; export an OpenSSH key with puttygen"],
    [/---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----/, "ssh.com (SECSH) private keys are not supported; convert with ssh-keygen -i"],
  ] as const;
  for (const [re, why] of unsupported) {
    if (re.test(text)) throw new ClientKeyError("unsupported_key", why, origin);
  }
  if (/^\s*(ssh-|ecdsa-|sk-)\S+ [A-Za-z0-9+/=]+/.test(text) || /-----BEGIN (RSA |)PUBLIC KEY-----/.test(text)) {
    throw new ClientKeyError("invalid_key", "this is a public key; a private key is needed to sign", origin);
  }
  throw new ClientKeyError("invalid_key", "not a private key in OpenSSH, PKCS#1, SEC1 or PKCS#8 PEM format", origin);
}

async function decodeOpenSsh(
  text: string,
  passphrase: string | Buffer | undefined,
  origin: Record<string, unknown>,
): Promise<{ keyObject: KeyObject; comment: string }> {
  // Read the clear-text header first: it names the key type and the cipher, so that
  // "unsupported" and "needs a passphrase" are reported exactly and before any KDF work.
  let cipher: string;
  let kdf: string;
  let kdfOptions: Buffer;
  let keyType: string;
  let publicBlob: Buffer;
  let section: Buffer;
  let trailing: number;
  try {
    const base64 = OPENSSH_RE.exec(text)![1]!.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new Error("not base64");
    if (base64.length > (maxOpenSshBodyBytes / 3) * 4) {
      throw new ClientKeyError("invalid_key", "OpenSSH private key file too large", origin);
    }
    const body = Buffer.from(base64, "base64");
    const magic = Buffer.from("openssh-key-v1\0", "latin1");
    if (!body.subarray(0, magic.length).equals(magic)) throw new Error("bad magic");
    const r = new SshReader(body.subarray(magic.length));
    cipher = r.text();
    kdf = r.text();
    kdfOptions = r.string();
    const nkeys = r.uint32();
    if (nkeys !== 1) {
      throw new ClientKeyError("unsupported_key", `OpenSSH key file holds ${nkeys} keys; exactly one is supported`, origin);
    }
    publicBlob = r.string();
    keyType = new SshReader(publicBlob).text();
    section = r.string();
    // Nothing may follow an unencrypted section (chacha20-poly1305 files append their MAC).
    trailing = r.remaining;
  } catch (err) {
    if (err instanceof ClientKeyError) throw err;
    throw new ClientKeyError("invalid_key", "malformed OpenSSH private key", { ...origin, error: errorTag(err) });
  }
  if (!isSshKeyType(keyType)) {
    throw new ClientKeyError("unsupported_key", `unsupported key type ${JSON.stringify(keyType)}`, {
      ...origin,
      keyType,
    });
  }
  if (sshKeyType(keyType).securityKey) {
    // The file holds only a key handle: signing needs the authenticator, through OpenSSH's provider.
    throw new ClientKeyError(
      "unsupported_key",
      `${keyType} is a security key: its file holds only a handle for the authenticator, so this client cannot sign with it; add it to ssh-agent (ssh-add) and sign with --agent, or sign with ssh-keygen -Y sign (the README's SSHSIG shell client)`,
      { ...origin, keyType },
    );
  }
  if (!SUPPORTED_OPENSSH_CIPHERS.has(cipher)) {
    throw new ClientKeyError(
      "unsupported_key",
      `OpenSSH key encrypted with unsupported cipher ${JSON.stringify(cipher)}; re-encrypt with ssh-keygen -p -Z aes256-ctr`,
      { ...origin, cipher },
    );
  }
  const encrypted = cipher !== "none";
  if (encrypted && passphrase === undefined) {
    throw new ClientKeyError("passphrase_required", "the key is encrypted and no passphrase was given", origin);
  }

  if (!encrypted) {
    if (kdf !== "none" || kdfOptions.length !== 0 || trailing !== 0)
      throw new ClientKeyError("invalid_key", "malformed OpenSSH private key", { ...origin, kdf });
    try {
      return decodeOpenSshPrivateSection(section, publicBlob);
    } catch (err) {
      const message = err instanceof OpenSshKeyMismatch ? err.message : "malformed OpenSSH private key";
      throw new ClientKeyError("invalid_key", message, { ...origin, error: errorTag(err) });
    }
  }

  const { decryptOpenSsh } = await import("./openssh-encrypted.js");
  let decrypted;
  try {
    decrypted = decryptOpenSsh(text, passphrase!);
  } catch (err) {
    const tag = errorTag(err);
    if (tag === "KeyEncryptedError") {
      throw new ClientKeyError("passphrase_required", "the key is encrypted and no passphrase was given", origin);
    }
    // The clear-text header was fine, so a failure here means the passphrase did not decrypt
    // it (wrong check integers, or sshpk refusing an empty one).
    throw new ClientKeyError("bad_passphrase", "wrong passphrase for the key", { ...origin, error: tag });
  }
  try {
    return { keyObject: decrypted.keyObject(), comment: decrypted.comment };
  } catch (err) {
    throw new ClientKeyError("invalid_key", "the private key could not be converted", { ...origin, error: errorTag(err) });
  }
}

function decodeNodePem(text: string, passphrase: string | Buffer | undefined, origin: Record<string, unknown>): KeyObject {
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(text) || /Proc-Type:\s*4,ENCRYPTED/.test(text);
  if (encrypted && passphrase === undefined) {
    throw new ClientKeyError("passphrase_required", "the key is encrypted and no passphrase was given", origin);
  }
  try {
    return crypto.createPrivateKey(encrypted ? { key: text, format: "pem", passphrase: passphrase! } : { key: text, format: "pem" });
  } catch (err) {
    const tag = errorTag(err);
    // A wrong passphrase usually shows as "bad decrypt", but may also decrypt to garbage
    // that then fails to decode; for an encrypted key both mean the passphrase is wrong.
    if (encrypted) throw new ClientKeyError("bad_passphrase", "wrong passphrase for the key", { ...origin, error: tag });
    throw new ClientKeyError("invalid_key", "malformed PEM private key", { ...origin, error: tag });
  }
}

const SUPPORTED_EC_CURVES = new Set(["prime256v1", "secp384r1", "secp521r1"]);

function checkKeyType(key: KeyObject, origin: Record<string, unknown>): void {
  const type = key.asymmetricKeyType;
  if (type === "rsa" || type === "ed25519") return;
  if (type === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve && SUPPORTED_EC_CURVES.has(curve)) return;
    throw new ClientKeyError("unsupported_key", `unsupported ECDSA curve ${curve ?? "(unknown)"}`, { ...origin, curve });
  }
  throw new ClientKeyError("unsupported_key", `unsupported key type ${type ?? "(unknown)"}`, { ...origin, keyType: type });
}

class KeyFileSigner implements ClientSigner {
  readonly source = "key-file" as const;
  readonly rsaHashes: readonly ClientRsaHash[];
  private key: KeyObject | null;

  constructor(
    key: KeyObject,
    readonly publicKey: ParsedPublicKey,
  ) {
    this.key = key;
    this.rsaHashes = publicKey.type === "ssh-rsa" ? ["sha1", "sha256", "sha384", "sha512"] : [];
  }

  sign(data: Buffer, options: { rsaHash?: ClientRsaHash } = {}): Promise<Buffer> {
    const key = this.key;
    if (!key) return Promise.reject(new Error("signer is closed"));
    if (!Buffer.isBuffer(data)) return Promise.reject(new TypeError("sign: data must be a Buffer"));
    const pub = this.publicKey;
    return new Promise<Buffer>((resolve, reject) => {
      const done = (err: Error | null, sig: Buffer) => (err ? reject(err) : resolve(sig));
      if (pub.type === "ssh-ed25519") {
        crypto.sign(null, data, key, done);
      } else if (pub.type === "ssh-rsa") {
        const hash = options.rsaHash ?? "sha256";
        if (!this.rsaHashes.includes(hash)) throw new TypeError(`unsupported RSA hash ${String(hash)}`);
        // node pads PKCS#1 v1.5 signatures to the modulus length already.
        crypto.sign(hash, data, key, done);
      } else {
        crypto.sign(ecdsaParameters(pub).hash, data, { key, dsaEncoding: "ieee-p1363" }, done);
      }
    });
  }

  close(): void {
    this.key = null;
  }
}
