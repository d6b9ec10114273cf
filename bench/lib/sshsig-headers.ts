// Fresh SSHSIG Authorization values: the blob `ssh-keygen -Y sign` makes (test/schemes/sshsig
// proves the two alike), signed here with node:crypto because one ssh-keygen process per
// request cannot keep up with a benchmark. Each carries its own nonce, so replay protection
// stays on and every request is new.
import crypto from "node:crypto";
import { sshMpint, sshString, sshUint32 } from "../../strategy/keys/wire.js";
import { sshsigSignedData } from "../../strategy/schemes/sshsig/blob.js";
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

/** The SSH signature blob (name, then the signature in SSH's form) of one node:crypto signature. */
function sshSignature(key: BenchKey, data: Buffer): { blob: Buffer; raw: Buffer } {
  if (key.type === "ed25519") {
    const raw = crypto.sign(null, data, key.privateKey);
    return { blob: Buffer.concat([sshString("ssh-ed25519"), sshString(raw)]), raw };
  }
  if (key.type === "p256") {
    const raw = crypto.sign("sha256", data, { key: key.privateKey, dsaEncoding: "ieee-p1363" });
    const rs = Buffer.concat([sshMpint(raw.subarray(0, 32)), sshMpint(raw.subarray(32))]);
    return { blob: Buffer.concat([sshString("ecdsa-sha2-nistp256"), sshString(rs)]), raw };
  }
  throw new Error(`sshsig bench: no ${key.type} signer`);
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
    const blob = Buffer.concat([
      Buffer.from("SSHSIG"),
      sshUint32(1),
      sshString(key.parsed.blob),
      sshString(NAMESPACE),
      sshString(""),
      sshString("sha512"),
      sshString(signature.blob),
    ]);
    return `SSHSIG username="${username}", time="${time}", nonce="${nonce}", signature="${blob.toString("base64")}"`;
  });
}
