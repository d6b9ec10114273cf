// The README's "A 60-second tour" and "The key console", run as written: the commands are
// read from README.md at test time (so the README cannot drift), run by bash in a fresh
// working directory against the built CLI, with a real ssh-agent holding three keys (an
// unregistered one first, as people have them). Only what must be is substituted: HOME
// (a temporary one with generated keys), `$PWD` in the alias (this repository), `npm start`
// (the same `serve` it runs, on a free port given as HOST/PORT) and that port in URLs.
// Each command's output must match the README's `# →` lines.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keygenFingerprint, sshKeygen, startAgent, type RunningAgent } from "../support/ssh-keygen.js";
import { ensureLibraryBuilt } from "../support/build.js";
import { root } from "../support/cli.js";
import { freePort } from "../support/free-port.js";
import { redeemLink } from "../admin/support.js";

interface TourCommand {
  line: string;
  expected: string[];
}

/** The first ```sh block after `heading`, as commands (continuations joined) with their `# →` lines. */
function readmeCommands(readme: string, heading: string): TourCommand[] {
  const section = readme.slice(readme.indexOf(`\n${heading}\n`));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block || !section.startsWith(`\n${heading}\n`)) throw new Error(`README.md has no sh block under ${heading}`);
  const commands: TourCommand[] = [];
  const lines = block[1]!.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const arrow = /^# → (.*)$/.exec(line);
    if (arrow) {
      // "expected   (commentary)": the commentary is for people.
      commands.at(-1)!.expected.push(arrow[1]!.replace(/\s{2,}\(.*\)$/, ""));
      continue;
    }
    if (line.trim() === "" || line.startsWith("#")) continue;
    while (line.endsWith("\\")) line = `${line.slice(0, -1)} ${lines[++i]!.trim()}`;
    commands.push({ line, expected: [] });
  }
  return commands;
}

/** `…` stands for anything; the rest is literal. */
function matcher(expected: string): RegExp {
  return new RegExp(
    `^${expected
      .split("…")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".+?")}$`,
  );
}

const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
const tour = readmeCommands(readme, "## A 60-second tour");
const consoleSection = readmeCommands(readme, "## The key console");

describe("the README, run as a user would", () => {
  let work: string;
  let home: string;
  let appDir: string;
  let cli: string;
  let agent: RunningAgent;
  let server: ChildProcess | null = null;
  let port: number;
  let env: Record<string, string>;
  const fingerprints = { other: "", ed25519: "", rsa: "" };

  beforeAll(async () => {
    // The README runs dist/ (the console UI is not needed by any command here).
    cli = ensureLibraryBuilt();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-tour-"));
    home = path.join(work, "home");
    appDir = path.join(work, "app");
    fs.mkdirSync(path.join(home, ".ssh"), { recursive: true });
    fs.mkdirSync(appDir);
    const ssh = path.join(home, ".ssh");
    const files = { other: sshKeygen(ssh, "id_other", "ed25519"), ed25519: sshKeygen(ssh, "id_ed25519", "ed25519"), rsa: sshKeygen(ssh, "id_rsa", "rsa") };
    for (const name of ["other", "ed25519", "rsa"] as const) fingerprints[name] = keygenFingerprint(`${files[name]}.pub`);
    agent = await startAgent(work);
    // An unregistered key first: --agent has to move past it.
    for (const name of ["other", "ed25519", "rsa"] as const) agent.add(files[name]);
    port = await freePort();
    const { DATABASE_URL: _db, REDIS_URL: _redis, ...inherited } = process.env;
    env = {
      ...(inherited as Record<string, string>),
      HOME: home,
      SSH_AUTH_SOCK: agent.socketPath,
      HOST: "127.0.0.1",
      PORT: String(port),
      CHECKPOINT_DISABLE: "1",
    };
  }, 180_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once("exit", r));
      server.kill("SIGTERM");
      await exited;
    }
    await agent?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const localise = (text: string) => text.replaceAll("127.0.0.1:3000", `127.0.0.1:${port}`);

  /** Runs commands in one bash session (the alias and variables carry over); per command: stdout, stderr, status. */
  function runInBash(commands: TourCommand[]): { stdout: string; stderr: string; status: number }[] {
    const errors = path.join(work, `stderr-${Date.now()}`);
    fs.mkdirSync(errors);
    const script = ["shopt -s expand_aliases", `alias passport-sshkey="node ${cli}"`];
    commands.forEach((command, i) => {
      script.push(`printf '\\n@@cmd ${i}\\n'`, `{ ${command.line}`, `} 2>"${errors}/${i}"`, `printf '\\n@@rc ${i} %s\\n' "$?"`);
    });
    const stdout = execFileSync("bash", ["-c", script.join("\n")], { cwd: appDir, env, encoding: "utf8", timeout: 240_000 });
    return commands.map((_, i) => {
      const out = new RegExp(`\\n@@cmd ${i}\\n([\\s\\S]*?)\\n@@rc ${i} (\\d+)\\n`).exec(stdout);
      if (!out) throw new Error(`no output for command ${i}: ${stdout}`);
      return { stdout: out[1]!.trim(), stderr: fs.readFileSync(path.join(errors, String(i)), "utf8"), status: Number(out[2]) };
    });
  }

  it("the README's commands are still what this test expects", () => {
    expect(tour[0]!.line).toMatch(/^npm install && npm start\b/);
    expect(tour[1]!.line).toBe('alias passport-sshkey="node $PWD/dist/bin/passport-sshkey.js"');
    expect(tour.filter((c) => c.expected.length > 0).length).toBeGreaterThanOrEqual(5);
    expect(consoleSection.some((c) => c.line.startsWith("passport-sshkey login "))).toBe(true);
  });

  it("A 60-second tour, then The key console", async () => {
    // `npm start` builds, then runs `node dist/bin/passport-sshkey.js serve` (package.json): here the built CLI on a free port.
    expect(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts.start).toMatch(
      /^(npm run build && )?node dist\/bin\/passport-sshkey\.js serve$/,
    );
    server = spawn(process.execPath, [cli, "serve"], { cwd: appDir, env });
    let banner = "";
    await new Promise<void>((resolve, reject) => {
      server!.stdout!.on("data", (d) => {
        banner += d;
        if (banner.includes("listening on")) resolve();
      });
      server!.stderr!.on("data", (d) => (banner += d));
      server!.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${banner}`)));
    });
    expect(banner).toContain(
      `listening on http://127.0.0.1:${port} (database: SQLite ${path.join(fs.realpathSync(appDir), "data/passport-sshkey.db")}, created)`,
    );

    // The alias line is replaced by one naming this repository's dist/ ($PWD is the repository in the README).
    const commands = [...tour.slice(2), ...consoleSection].map((c) => ({ line: localise(c.line), expected: c.expected.map(localise) }));
    const results = runInBash(commands);
    commands.forEach((command, i) => {
      const result = results[i]!;
      expect(result.status, `${command.line}\n${result.stderr}`).toBe(0);
      if (command.expected.length === 0) return;
      const lines = result.stdout.split("\n");
      expect(lines, command.line).toHaveLength(command.expected.length);
      command.expected.forEach((expected, j) => expect(lines[j], command.line).toMatch(matcher(expected)));
    });

    // What the `…` stand for.
    const byLine = (start: string) => results[commands.findIndex((c) => c.line.startsWith(start))]!;
    expect(byLine("passport-sshkey keys add alice").stdout).toBe(fingerprints.ed25519);
    expect(byLine("passport-sshkey keys add root").stdout).toBe(fingerprints.rsa);
    const viaAgent = byLine("passport-sshkey request");
    expect(JSON.parse(viaAgent.stdout)).toEqual({ username: "alice", scheme: "jwt", fingerprint: fingerprints.ed25519 });
    expect(viaAgent.stderr).toContain(`${fingerprints.other} (ssh-ed25519) refused`);
    expect(viaAgent.stderr).toMatch(new RegExp(`signed with ${fingerprints.ed25519.replace(/[+/]/g, "\\$&")} \\(ssh-ed25519\\)\\n$`));
    const curls = results.filter((_, i) => commands[i]!.line.startsWith("curl"));
    expect(JSON.parse(curls[0]!.stdout)).toEqual({ username: "alice", scheme: "jwt", fingerprint: fingerprints.ed25519 });
    expect(JSON.parse(curls[1]!.stdout).error.code).toBe("replayed");

    // Both links open a console session, once.
    const login = byLine("passport-sshkey login");
    expect(login.stderr).toMatch(new RegExp(`signed with ${fingerprints.rsa.replace(/[+/]/g, "\\$&")} \\(ssh-rsa\\)\\n$`));
    for (const link of [byLine("passport-sshkey console-link").stdout, login.stdout]) {
      expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/admin/login/[\\w-]{43}$`));
      const opened = await redeemLink(link);
      expect(opened.status).toBe(303);
      const me = await fetch(`http://127.0.0.1:${port}/admin/api/me`, { headers: { cookie: opened.headers.get("set-cookie")!.split(";")[0]! } });
      expect(((await me.json()) as { user: { username: string } }).user.username).toBe("root");
    }
  }, 300_000);
});
