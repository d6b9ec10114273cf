import crypto from "node:crypto";
import { encodeSshsigBlob, sshsigSignedData, type SshsigHash } from "../schemes/sshsig/blob.js";
import { formatSshsigHeader } from "../schemes/sshsig/header.js";
import { sshsigMessage } from "../schemes/sshsig/message.js";
import { parseOptions } from "../options/parse-options.js";
import { sshsigAuthorizationOptionsSchema } from "./options.js";
import { sshSignatureBlob } from "./signature.js";
import type { Signer } from "./signer.js";

/** The server's default namespace (`sshsig: { namespace }`). */
const DEFAULT_NAMESPACE = "http@passport-sshkey";
/** ssh-keygen -Y sign's default; RSA keys sign it as rsa-sha2-512, never ssh-rsa (SHA-1). */
const HASH: SshsigHash = "sha512";

export interface SshsigAuthorizationOptions {
  /** Key file or ssh-agent key; one carrying a certificate (`withCertificate`) signs as that certificate. */
  signer: Signer;
  username: string;
  url: string | URL;
  method?: string | undefined;
  body?: string | Buffer | undefined;
  /** The Host the server sees, when it is not the URL's (a proxy in between); default the URL's host, port kept. */
  host?: string | undefined;
  /** The server's namespace (default "http@passport-sshkey"). */
  namespace?: string | undefined;
  now?: (() => number) | undefined;
  /** 16–64 characters of [A-Za-z0-9_-]; default 22 random ones. */
  nonce?: string | undefined;
}

/**
 * The `Authorization` value for one request: `SSHSIG username="…", time="…", nonce="…", signature="…"`,
 * the message and signed data built by the server's own modules, so both sides read one codec.
 *
 * @example
 * const signer = await loadKeyFileSigner("~/.ssh/id_ed25519");
 * const authorization = await sshsigAuthorization({ signer, username: "alice", url: "http://127.0.0.1:3000/whoami" });
 */
export async function sshsigAuthorization(options: SshsigAuthorizationOptions): Promise<string> {
  parseOptions(sshsigAuthorizationOptionsSchema, options, "sshsigAuthorization");
  const { signer, username } = options;
  const url = new URL(options.url);
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const time = Math.floor((options.now ?? Date.now)() / 1000);
  const nonce = options.nonce ?? crypto.randomBytes(16).toString("base64url");
  // What fetch puts on the wire: the WHATWG URL's host (port kept unless default) and path+query.
  const message = sshsigMessage({
    username,
    time,
    nonce,
    method: (options.method ?? "GET").toUpperCase(),
    host: options.host ?? url.host,
    target: url.pathname + url.search,
    body: options.body ?? "",
  });
  const signature = await signer.sign(sshsigSignedData(namespace, HASH, message), { rsaHash: HASH });
  const blob = encodeSshsigBlob({
    publicKey: signer.certificate ?? signer.publicKey.blob,
    namespace,
    hash: HASH,
    signature: sshSignatureBlob(signer.publicKey, signature, HASH),
  });
  return formatSshsigHeader({ username, time, nonce, signature: blob.toString("base64") });
}
