// An SSHSIG Authorization header signed by the real `ssh-keygen -Y sign` (spec: sshsig-http.md).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import type { KeyDir } from "./ssh-keygen.js";

export const sshsigNamespace = "http@passport-sshkey";

export interface Signed {
  username: string;
  time: number;
  nonce: string;
  method?: string;
  path?: string;
  body?: string;
  namespace?: string;
}

export function sshsigAuthorization(keys: KeyDir, key: string, host: string, s: Signed): string {
  const digest = createHash("sha256")
    .update(s.body ?? "")
    .digest("base64");
  const message = ["SSHSIG-HTTP-1", s.username, String(s.time), s.nonce, s.method ?? "GET", host, s.path ?? "/whoami", digest].join("\n");
  const armored = execFileSync("ssh-keygen", ["-Y", "sign", "-n", s.namespace ?? sshsigNamespace, "-f", keys.path(key)], {
    input: message,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
  const sig = armored.trim().split("\n").slice(1, -1).join("");
  return `SSHSIG username="${s.username}", time="${s.time}", nonce="${s.nonce}", signature="${sig}"`;
}
