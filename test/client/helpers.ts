import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ParsedPublicKey } from "../../strategy/keys/types.js";

export const PASSPHRASE = "pass-phrase"; // ssh-keygen wants at least 5 characters

export function makeTmpDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export type KeyKind = "rsa" | "ed25519" | "ecdsa256" | "ecdsa384" | "ecdsa521";

/** ssh-keygen a key (OpenSSH format, unencrypted); returns the private key path. */
export function sshKeygen(dir: string, name: string, kind: KeyKind, comment = `${name}@test`): string {
  const file = path.join(dir, name);
  const args: Record<KeyKind, string[]> = {
    rsa: ["-t", "rsa", "-b", "3072"],
    ed25519: ["-t", "ed25519"],
    ecdsa256: ["-t", "ecdsa", "-b", "256"],
    ecdsa384: ["-t", "ecdsa", "-b", "384"],
    ecdsa521: ["-t", "ecdsa", "-b", "521"],
  };
  execFileSync("ssh-keygen", ["-q", ...args[kind], "-N", "", "-C", comment, "-f", file], { stdio: "ignore" });
  return file;
}

/** Copy a key and re-save it with ssh-keygen -p in another format and/or with a passphrase. */
export function resave(src: string, dest: string, format: "RFC4716" | "PEM" | "PKCS8", passphrase: string): string {
  copyFileSync(src, dest);
  copyFileSync(`${src}.pub`, `${dest}.pub`);
  execFileSync("ssh-keygen", ["-q", "-p", "-P", "", "-N", passphrase, "-m", format, "-f", dest], { stdio: "ignore" });
  return dest;
}

/** `SHA256:…` as ssh-keygen -lf prints it. */
export function keygenFingerprint(pubPath: string): string {
  const out = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", pubPath], { encoding: "utf8" });
  return out.split(" ")[1]!;
}

/** Verify a signature in the Signer form with node:crypto. */
export function verifySignerForm(key: ParsedPublicKey, data: Buffer, sig: Buffer, rsaHash: "sha1" | "sha256" | "sha384" | "sha512" = "sha256"): boolean {
  if (key.type === "ssh-ed25519") return crypto.verify(null, data, key.keyObject, sig);
  if (key.type === "ssh-rsa") return crypto.verify(rsaHash, data, key.keyObject, sig);
  const hash = { nistp256: "sha256", nistp384: "sha384", nistp521: "sha512" }[key.curve!];
  return crypto.verify(hash, data, { key: key.keyObject, dsaEncoding: "ieee-p1363" }, sig);
}

/** Independent public key for a .pub file (node:crypto via ssh-keygen's PKCS#8 export). */
export function nodePublicKeyFromPub(pubPath: string): crypto.KeyObject {
  const [type, b64] = readFileSync(pubPath, "utf8").trim().split(/\s+/);
  if (type === "ssh-ed25519") {
    // ssh-keygen -e cannot export Ed25519; the blob ends with the 32-byte key.
    const x = Buffer.from(b64!, "base64").subarray(-32).toString("base64url");
    return crypto.createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
  }
  const pem = execFileSync("ssh-keygen", ["-e", "-m", "PKCS8", "-f", pubPath], { encoding: "utf8" });
  return crypto.createPublicKey(pem);
}

export interface RunningAgent {
  socketPath: string;
  add(keyPath: string): void;
  stop(): Promise<void>;
}

/** Start a private ssh-agent in the foreground (-D) on a socket in `dir`. */
export async function startAgent(dir: string): Promise<RunningAgent> {
  const socketPath = path.join(dir, "agent.sock");
  const child: ChildProcess = spawn("ssh-agent", ["-D", "-a", socketPath], { stdio: "ignore" });
  const deadline = Date.now() + 10_000;
  while (!existsSync(socketPath)) {
    if (child.exitCode !== null) throw new Error(`ssh-agent exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error("ssh-agent did not create its socket");
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    socketPath,
    add(keyPath: string) {
      execFileSync("ssh-add", ["-q", keyPath], {
        env: { ...process.env, SSH_AUTH_SOCK: socketPath },
        stdio: "ignore",
      });
    },
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

export function readText(p: string): string {
  return readFileSync(p, "utf8");
}

/** Split a compact JWS. */
export function splitJws(token: string): { header: string; payload: string; input: Buffer; signature: Buffer } {
  const [h, p, s] = token.split(".");
  return {
    header: Buffer.from(h!, "base64url").toString("utf8"),
    payload: Buffer.from(p!, "base64url").toString("utf8"),
    input: Buffer.from(`${h}.${p}`, "ascii"),
    signature: Buffer.from(s!, "base64url"),
  };
}
