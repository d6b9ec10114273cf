import { createHash } from "node:crypto";

export interface SshsigRequest {
  readonly username: string;
  readonly time: number;
  readonly nonce: string;
  readonly method: string;
  readonly host: string;
  readonly target: string;
  readonly body: Buffer | string;
}

/** The SSHSIG-HTTP-1 message: eight lines joined by "\n", no trailing newline. */
export function sshsigMessage(r: SshsigRequest): string {
  const digest = createHash("sha256").update(r.body).digest("base64");
  return [
    "SSHSIG-HTTP-1",
    r.username,
    String(r.time),
    r.nonce,
    r.method.replace(/[a-z]+/g, (s) => s.toUpperCase()),
    r.host.replace(/[A-Z]+/g, (s) => s.toLowerCase()),
    r.target,
    digest,
  ].join("\n");
}
