// (j) The seed: asymmetric-jwt-auth's JWTAuthMiddleware on Django under gunicorn, one worker process
// (its default nonce cache is per process, so one process keeps replay protection whole), pinned to
// the server core like every other row. This wrapper sets the site up, speaks the bench's child
// protocol, and reports gunicorn's memory rather than its own.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { failChild, tellParent } from "../../lib/child.js";
import { seedPython } from "../../seed/upstream.js";

const site = path.resolve(import.meta.dirname, "../../seed/django");

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resident memory of gunicorn's master and its workers, in MB. */
function rssMb(pid: number): number {
  const pids = [pid, ...fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number)];
  let kb = 0;
  for (const p of pids) {
    const match = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"));
    kb += match ? Number(match[1]) : 0;
  }
  return kb / 1024;
}

async function main(): Promise<void> {
  const work = env("BENCH_SEED_WORKDIR");
  const pythonEnv = {
    ...process.env,
    PYTHONPATH: `${env("BENCH_SEED_CHECKOUT")}:${site}`,
    DJANGO_SETTINGS_MODULE: "benchsite.settings",
    BENCH_SEED_DB: path.join(work, "seed.db"),
  };
  const pem = path.join(work, "alice.pem");
  fs.writeFileSync(pem, env("BENCH_PUBLIC_PEM"));
  const seeded = spawnSync(seedPython, [path.join(site, "seed_user.py"), "alice", pem], { env: pythonEnv, encoding: "utf8", cwd: site });
  if (seeded.status !== 0) throw new Error(`seeding the Django site failed: ${seeded.stderr}`);

  const port = await freePort();
  const gunicorn = spawn(
    seedPython,
    [
      "-m",
      "gunicorn",
      // Sync workers close every connection after one response; gthread keeps them open like the Node servers do.
      "--worker-class",
      "gthread",
      "--threads",
      "4",
      "--keep-alive",
      "30",
      "--workers",
      "1",
      "--bind",
      `127.0.0.1:${port}`,
      "--log-level",
      "warning",
      "benchsite.wsgi:application",
    ],
    {
      env: pythonEnv,
      cwd: site,
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  const stop = () => {
    gunicorn.kill("SIGTERM");
    process.exit(0);
  };
  gunicorn.once("exit", (code) => failChild(new Error(`gunicorn exited (code ${code})`)));
  for (let i = 0; ; i++) {
    const answered = await fetch(`http://127.0.0.1:${port}/whoami`).then(
      (r) => r.status,
      () => 0,
    );
    if (answered === 401) break;
    if (i > 300) throw new Error(`gunicorn did not answer 401 on /whoami (last: ${answered})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = gunicorn.pid!;
  const idle = rssMb(pid);
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 50);
  sampler.unref();
  process.on("message", (message: { type?: string }) => {
    if (message.type === "rss-reset") {
      peak = rssMb(pid);
      tellParent({ type: "rss-reset-done" });
    } else if (message.type === "rss-report") {
      tellParent({ type: "rss", idleMb: idle, peakMb: peak, currentMb: rssMb(pid) });
    } else if (message.type === "shutdown") {
      stop();
    }
  });
  process.on("disconnect", stop);
  tellParent({ type: "ready", port });
}

main().catch(failChild);
