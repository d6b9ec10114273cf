// Real keys and agents from OpenSSH's own tools (ssh-keygen, ssh-agent, ssh-add), in private
// temp dirs. One module for every test that checks the library against what OpenSSH produces.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export function makeTmpDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export type KeyKind = "rsa" | "ed25519" | "ecdsa256" | "ecdsa384" | "ecdsa521";

const kindArgs: Record<KeyKind, string[]> = {
  rsa: ["-t", "rsa", "-b", "3072"],
  ed25519: ["-t", "ed25519"],
  ecdsa256: ["-t", "ecdsa", "-b", "256"],
  ecdsa384: ["-t", "ecdsa", "-b", "384"],
  ecdsa521: ["-t", "ecdsa", "-b", "521"],
};

/**
 * ssh-keygen a key with no passphrase, as a `kind` or as ssh-keygen's own arguments
 * (`["-t", "rsa", "-b", "2048", "-m", "PEM"]`); returns the private key path (`.pub` beside it).
 */
export function sshKeygen(dir: string, name: string, kind: KeyKind | readonly string[], comment = `${name}@test`): string {
  const file = path.join(dir, name);
  const args = typeof kind === "string" ? kindArgs[kind] : kind;
  execFileSync("ssh-keygen", ["-q", ...args, "-N", "", "-C", comment, "-f", file], { stdio: ["ignore", "ignore", "pipe"] });
  return file;
}

/** Copy a key and re-save it with ssh-keygen -p in another format and/or with a passphrase. */
export function resave(src: string, dest: string, format: "RFC4716" | "PEM" | "PKCS8", passphrase: string): string {
  copyFileSync(src, dest);
  copyFileSync(`${src}.pub`, `${dest}.pub`);
  execFileSync("ssh-keygen", ["-q", "-p", "-P", "", "-N", passphrase, "-m", format, "-f", dest], { stdio: "ignore" });
  return dest;
}

/** ssh-keygen's own fingerprint line for a file, `<bits> <hash:fp> <comment> (<TYPE>)`, in parts. */
function sshKeygenFingerprint(file: string, hash: "sha256" | "md5"): { bits: number; fingerprint: string } {
  const out = execFileSync("ssh-keygen", ["-E", hash, "-lf", file], { encoding: "utf8" }).trim();
  const [bits, fingerprint] = out.split(" ");
  return { bits: Number(bits), fingerprint: fingerprint ?? "" };
}

/** `SHA256:…` as ssh-keygen -lf prints it. */
export function keygenFingerprint(pubPath: string): string {
  return sshKeygenFingerprint(pubPath, "sha256").fingerprint;
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

/** A temp dir of ssh-keygen/openssl keys addressed by name, removed by cleanup(). */
export class KeyDir {
  private readonly tmp = makeTmpDir("passport-sshkey-keys-");
  readonly dir = this.tmp.dir;

  path(name: string): string {
    return path.join(this.dir, name);
  }

  read(name: string): string {
    return readFileSync(this.path(name), "utf8");
  }

  run(command: string, args: string[], input?: string): string {
    return execFileSync(command, args, { cwd: this.dir, encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
  }

  /** `ssh-keygen -t <type> <extra…>` with no passphrase; returns the .pub text. */
  sshKeygen(name: string, type: string, extra: string[] = []): string {
    sshKeygen(this.dir, name, ["-t", type, ...extra]);
    return this.read(`${name}.pub`);
  }

  fingerprint(name: string, hash: "sha256" | "md5"): { bits: number; fingerprint: string } {
    return sshKeygenFingerprint(this.path(name), hash);
  }

  cleanup(): void {
    this.tmp.cleanup();
  }
}

export interface RunningAgent {
  socketPath: string;
  add(keyPath: string): void;
  stop(): Promise<void>;
}

/**
 * Start a private ssh-agent in the foreground (-D) on a socket in `dir`. With `skProvider`
 * it may load that security-key provider (-P), and `add` passes it to ssh-add (-S); `env`
 * is added to the agent's environment.
 */
export async function startAgent(dir: string, options: { skProvider?: string; socketName?: string; env?: Record<string, string> } = {}): Promise<RunningAgent> {
  const socketPath = path.join(dir, options.socketName ?? "agent.sock");
  const allow = options.skProvider === undefined ? [] : ["-P", options.skProvider];
  // The agent's ssh-sk-helper loads the provider with the agent's environment.
  const child: ChildProcess = spawn("ssh-agent", ["-D", "-a", socketPath, ...allow], { stdio: "ignore", env: { ...process.env, ...options.env } });
  const deadline = Date.now() + 10_000;
  while (!existsSync(socketPath)) {
    if (child.exitCode !== null) throw new Error(`ssh-agent exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error("ssh-agent did not create its socket");
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    socketPath,
    add(keyPath: string) {
      const provider = options.skProvider === undefined ? [] : ["-S", options.skProvider];
      execFileSync("ssh-add", ["-q", ...provider, keyPath], {
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

/**
 * `ssh-keygen -Y verify` of an SSHSIG blob (the header's `signature`, base64) over `message`,
 * with one allowed_signers line `<principal> <allowedSigner>` written in `dir`.
 */
export function sshKeygenVerify(
  dir: string,
  v: { signature: string; message: string; principal: string; allowedSigner: string; namespace: string },
): { status: number | null; out: string } {
  const armored = `-----BEGIN SSH SIGNATURE-----\n${v.signature.replace(/.{1,70}/g, "$&\n")}-----END SSH SIGNATURE-----\n`;
  const sigFile = path.join(dir, "request.sig");
  const allowed = path.join(dir, "allowed_signers");
  writeFileSync(sigFile, armored);
  writeFileSync(allowed, `${v.principal} ${v.allowedSigner}\n`);
  const r = spawnSync("ssh-keygen", ["-Y", "verify", "-f", allowed, "-I", v.principal, "-n", v.namespace, "-s", sigFile], {
    input: v.message,
    encoding: "utf8",
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
