import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Real keys from ssh-keygen/openssl in a private temp dir, removed by cleanup(). */
export class KeyDir {
  readonly dir = mkdtempSync(join(tmpdir(), "passport-sshkey-keys-"));

  path(name: string): string {
    return join(this.dir, name);
  }

  read(name: string): string {
    return readFileSync(this.path(name), "utf8");
  }

  run(command: string, args: string[], input?: string): string {
    return execFileSync(command, args, { cwd: this.dir, encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
  }

  /** `ssh-keygen -t <type>` with no passphrase; returns the .pub text. */
  sshKeygen(name: string, type: string, extra: string[] = []): string {
    this.run("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", `${name}@test`, "-f", this.path(name), ...extra]);
    return this.read(`${name}.pub`);
  }

  /** ssh-keygen's own fingerprint line for a file: `<bits> <hash:fp> <comment> (<TYPE>)`. */
  fingerprint(name: string, hash: "sha256" | "md5"): { bits: number; fingerprint: string } {
    const out = this.run("ssh-keygen", ["-E", hash, "-lf", this.path(name)]).trim();
    const [bits, fingerprint] = out.split(" ");
    return { bits: Number(bits), fingerprint: fingerprint ?? "" };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
