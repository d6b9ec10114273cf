// SSHSIG-HTTP-1 requests signed by the real `ssh-keygen -Y sign`, built from the spec
// (not from the strategy's own message builder, so a drift on either side fails a test).
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";

export const SSHSIG_NAMESPACE = "http@passport-sshkey";

export interface SshsigParts {
  username: string;
  time: number;
  nonce?: string | undefined;
  method?: string | undefined;
  /** The Host the client signs (lower-case, port kept). */
  host: string;
  /** Path and query as signed (default /whoami). */
  target?: string | undefined;
  body?: string | Buffer | undefined;
}

export const sshsigNonce = (): string => randomBytes(12).toString("hex");

/** The eight lines of the spec, joined by "\n", no trailing newline. */
export function sshsigMessageOf(p: SshsigParts & { nonce: string }): string {
  const digest = createHash("sha256")
    .update(p.body ?? "")
    .digest("base64");
  return ["SSHSIG-HTTP-1", p.username, String(p.time), p.nonce, p.method ?? "GET", p.host, p.target ?? "/whoami", digest].join("\n");
}

/** The armor-less base64 blob `ssh-keygen -Y sign` makes over `message` (`extra`: e.g. ["-O", "hashalg=sha256"]). */
export function sshKeygenSign(keyPath: string, message: string | Buffer, namespace = SSHSIG_NAMESPACE, extra: readonly string[] = []): string {
  const armored = execFileSync("ssh-keygen", ["-Y", "sign", "-n", namespace, ...extra, "-f", keyPath], {
    input: message,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
  return armored.trim().split("\n").slice(1, -1).join("");
}

export function sshsigAuthorization(p: { username: string; time: number | string; nonce: string }, signature: string): string {
  return `SSHSIG username="${p.username}", time="${p.time}", nonce="${p.nonce}", signature="${signature}"`;
}

/** A complete `Authorization: SSHSIG …` value for the request `parts`, signed with the key file at `keyPath`. */
export function signedSshsig(keyPath: string, parts: SshsigParts, namespace = SSHSIG_NAMESPACE): string {
  const withNonce = { ...parts, nonce: parts.nonce ?? sshsigNonce() };
  return sshsigAuthorization(withNonce, sshKeygenSign(keyPath, sshsigMessageOf(withNonce), namespace));
}
