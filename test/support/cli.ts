import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const root = path.resolve(import.meta.dirname, "../..");
const bin = path.join(root, "bin/passport-sshkey.ts");
// By file URL rather than `--import tsx`, which Node resolves from the cwd: tests may run the CLI elsewhere.
const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source, as `npx passport-sshkey …` would run the built one. */
export function runCli(args: string[], options: { env?: Record<string, string | undefined>; input?: string; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", tsx, bin, ...args], {
      cwd: options.cwd ?? root,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** Starts `passport-sshkey serve` on a free port and resolves with its URL once it listens. */
export function startServe(
  env: Record<string, string | undefined>,
  options: { args?: string[]; cwd?: string } = {},
): Promise<{ url: string; banner: string; child: ChildProcess; stop(): Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", tsx, bin, "serve", "--port", "0", ...(options.args ?? [])], {
      cwd: options.cwd ?? root,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env },
    });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
    child.stderr.on("data", (d) => (out += d));
    child.stdout.on("data", (d) => {
      out += d;
      const match = /^.*listening on (http:\/\/\S+).*$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1]!,
          banner: match[0],
          child,
          stop: () =>
            new Promise((done) => {
              child.once("close", done);
              child.kill("SIGTERM");
            }),
        });
      }
    });
    child.on("close", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}
