// The software FIDO provider (test/fixtures/sk-soft/sk-soft.c) that lets the real ssh-keygen,
// ssh-agent and ssh-add use sk-* keys without hardware: compiled on demand with the system C
// compiler and libcrypto, once per source version (cached in the temp dir by its hash).
// Without a compiler or OpenSSL headers the tests that need it are skipped, saying why;
// under CI=true that is an error instead (.ci/run installs them).
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { root } from "./cli.js";

const source = path.join(root, "test/fixtures/sk-soft/sk-soft.c");

/** The provider's absolute path, or why there is none. */
export type SkSoftProvider = { path: string; missing?: undefined } | { path?: undefined; missing: string };

function build(): SkSoftProvider {
  const hash = crypto.createHash("sha256").update(readFileSync(source)).digest("hex").slice(0, 16);
  const dir = path.join(tmpdir(), `passport-sshkey-sk-soft-${hash}`);
  const library = path.join(dir, "sk-soft.so");
  if (existsSync(library)) return { path: library };
  mkdirSync(dir, { recursive: true });
  // Built beside its final name and renamed: test files compiling at once never load half a file.
  const partial = path.join(dir, `sk-soft.${process.pid}.so`);
  const cc = spawnSync("cc", ["-shared", "-fPIC", "-O2", "-Wall", "-o", partial, source, "-lcrypto"], { encoding: "utf8" });
  if (cc.error || cc.status !== 0) {
    const why = cc.error
      ? `no C compiler (cc: ${cc.error.message})`
      : `cc failed (libcrypto headers missing? apt-get install gcc libc6-dev libssl-dev): ${cc.stderr.trim()}`;
    return { missing: `the software FIDO provider could not be built: ${why}` };
  }
  renameSync(partial, library);
  return { path: library };
}

let built: SkSoftProvider | undefined;

/** Builds the provider once per run; throws under CI=true when it cannot be built. */
export function skSoftProvider(): SkSoftProvider {
  built ??= build();
  if (built.missing && process.env.CI === "true") throw new Error(`CI=true: ${built.missing}`);
  return built;
}
