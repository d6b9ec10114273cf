// The seed the project comes from — asymmetric-jwt-auth on Django — fetched at bench time,
// never committed: a git clone of the release into the run's temporary directory, from
// upstream or from BENCH_SEED_SOURCE (a local clone or mirror, for machines without that network).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const seedRelease = "v1.2.1";
const upstreamRepository = "https://gitlab.com/thelabnyc/asymmetric-jwt-auth.git";

export type SeedCheckout = { dir: string; source: string } | { skipped: string };

function run(command: string, args: string[], timeoutMs = 60_000): { ok: boolean; output: string } {
  const r = spawnSync(command, args, { encoding: "utf8", timeout: timeoutMs });
  return { ok: r.status === 0, output: `${r.stderr ?? ""}${r.stdout ?? ""}${r.error ? r.error.message : ""}`.trim() };
}

/** Debian's Python, which its python3-django, python3-jwt and python3-cryptography packages serve (not a pyenv one earlier on PATH). */
export const seedPython = process.env.BENCH_SEED_PYTHON ?? (fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");

/** Debian's python3-django, python3-jwt, python3-cryptography and gunicorn, or why not. */
function missingRuntime(): string | null {
  const modules = run(seedPython, ["-c", "import django, jwt, cryptography"]);
  if (!modules.ok)
    return `python3 cannot import django, jwt and cryptography (apt-get install python3-django python3-jwt python3-cryptography): ${modules.output.split("\n").at(-1)}`;
  if (!run(seedPython, ["-m", "gunicorn", "--version"]).ok) return `gunicorn is not installed for ${seedPython} (apt-get install gunicorn)`;
  return null;
}

export function checkoutSeed(tmpDir: string, env: NodeJS.ProcessEnv = process.env): SeedCheckout {
  const missing = missingRuntime();
  if (missing) return { skipped: missing };
  const source = env.BENCH_SEED_SOURCE ?? upstreamRepository;
  const dir = path.join(tmpDir, "asymmetric-jwt-auth");
  const clone = run("git", [
    "clone",
    "--quiet",
    "--depth",
    "1",
    "--branch",
    seedRelease,
    source.includes("://") ? source : `file://${path.resolve(source)}`,
    dir,
  ]);
  if (!clone.ok) {
    return {
      skipped: `could not fetch asymmetric-jwt-auth ${seedRelease} from ${source} (set BENCH_SEED_SOURCE to a clone): ${clone.output.split("\n").at(-1)}`,
    };
  }
  return { dir, source };
}
