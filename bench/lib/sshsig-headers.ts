// Fresh SSHSIG Authorization values: the blob `ssh-keygen -Y sign` makes (test/schemes/sshsig
// proves the two alike), signed here with node:crypto because one ssh-keygen process per
// request cannot keep up with a benchmark. Each carries its own nonce, so replay protection
// stays on and every request is new.
import crypto from "node:crypto";
import { sshSignatureBlob } from "../../strategy/client/signature.js";
import { encodeSshsigBlob, sshsigSignedData } from "../../strategy/schemes/sshsig/blob.js";
import { formatSshsigHeader } from "../../strategy/schemes/sshsig/header.js";
import { sshsigMessage } from "../../strategy/schemes/sshsig/message.js";
import type { BenchKey } from "./keys.js";
import type { CapturedSignature } from "./keys.js";

const NAMESPACE = "http@passport-sshkey";

/** The request the headers are signed for: what the server will rebuild. */
export interface SshsigTarget {
  method: string;
  host: string;
  target: string;
}

/** One node:crypto signature over `data`, and its SSH signature blob (the client's encoder). */
function sshSignature(key: BenchKey, data: Buffer): { blob: Buffer; raw: Buffer } {
  if (key.type !== "ed25519" && key.type !== "p256") throw new Error(`sshsig bench: no ${key.type} signer`);
  const raw =
    key.type === "ed25519" ? crypto.sign(null, data, key.privateKey) : crypto.sign("sha256", data, { key: key.privateKey, dsaEncoding: "ieee-p1363" });
  return { blob: sshSignatureBlob(key.parsed, raw, "sha512"), raw };
}

/**
 * `count` values of `Authorization: SSHSIG …` for `username`, time now, each with a fresh
 * nonce; `captured` gets the exact bytes signed, for the raw crypto.verify baseline.
 */
export function sshsigHeaders(key: BenchKey, username: string, count: number, request: SshsigTarget, captured?: CapturedSignature[]): string[] {
  const time = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, () => {
    const nonce = crypto.randomBytes(12).toString("hex");
    const message = sshsigMessage({ username, time, nonce, ...request, body: "" });
    const data = sshsigSignedData(NAMESPACE, "sha512", message);
    const signature = sshSignature(key, data);
    captured?.push({ data, signature: signature.raw, key: key.publicKey });
    const blob = encodeSshsigBlob({ publicKey: key.parsed.blob, namespace: NAMESPACE, hash: "sha512", signature: signature.blob });
    return formatSshsigHeader({ username, time, nonce, signature: blob.toString("base64") });
  });
}
