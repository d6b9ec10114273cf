// The package as a user gets it: `npm pack` of a clean copy of the sources, installed with
// express and passport from the registry into a fresh app that shares nothing with this
// repository's node_modules; the README's code is extracted at test time, type-checked with
// the strictest settings an app may use, run, and sent real signed requests.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readmeBlocks, shellCommands, typescriptFiles } from "./readme-blocks.js";
import { freePort } from "../support/free-port.js";

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, "../..");
const fixtures = path.join(import.meta.dirname, "fixtures");
const readme = path.join(repo, "README.md");
const version = (JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string }).version;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-consumer-"));
const home = path.join(work, "home");
/** What the README's examples use as the server's address; replaced by the live one. */
const readmeOrigin = "http://127.0.0.1:3000";

// Nothing of this process's configuration leaks into the app: its own database, no Redis.
const baseEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^(DATABASE_URL|REDIS_URL|CRTAUTH_SECRET|CRTAUTH_PREVIOUS_SECRET|NODE_OPTIONS|SSH_AUTH_SOCK|npm_.*)$/.test(name),
  ),
);
const long = 20 * 60_000;
// Each test starts Node processes and the CLI through npx: slow on a busy 2-core machine.
vi.setConfig({ testTimeout: 5 * 60_000 });
/**
 * The README's `~/.ssh/...` lines run with HOME set to a folder of test keys; npm keeps the
 * machine's own configuration (how native modules build here) and cache, so installs are reused.
 */
const npmSettings = {
  npm_config_userconfig: process.env.npm_config_userconfig ?? path.join(os.homedir(), ".npmrc"),
  npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), ".npm"),
};

async function sh(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }) {
  try {
    return await run(command, args, {
      cwd: options.cwd,
      env: { ...baseEnv, ...npmSettings, HOME: home, ...options.env },
      timeout: options.timeout ?? long,
      maxBuffer: 64 << 20,
    });
  } catch (error) {
    const e = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${options.cwd}: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}

/** The sources a publish builds from, without anything built or installed. */
function copySources(to: string): void {
  const skip = new Set(["node_modules", "dist", ".git", "test", "bench", "data", "generated"]);
  for (const entry of [
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "tsconfig.build.json",
    "README.md",
    "LICENSE",
    "strategy",
    "bin",
    "prisma",
    "admin-ui",
  ]) {
    fs.cpSync(path.join(repo, entry), path.join(to, entry), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (source) => !skip.has(path.basename(source)),
    });
  }
  // The build tools come from the repository; the consumer app below never sees them.
  fs.symlinkSync(fs.realpathSync(path.join(repo, "node_modules")), path.join(to, "node_modules"));
}

interface RunningApp {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

async function startApp(app: string, file: string, env: NodeJS.ProcessEnv): Promise<RunningApp> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join("build", file)], {
    cwd: app,
    env: { ...baseEnv, ...npmSettings, HOME: home, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`${file} exited with ${child.exitCode}: ${output}`);
    try {
      await fetch(url);
      break;
    } catch {
      if (attempt > 300) throw new Error(`${file} never answered: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

interface Agent {
  socket: string;
  stop(): void;
}

/** An ssh-agent holding these keys, in this order, for the README's `--agent` and `agentSigner()` lines. */
async function startAgent(name: string, ...keyFiles: string[]): Promise<Agent> {
  const socket = path.join(work, `${name}.agent`);
  const child = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
  for (let i = 0; !fs.existsSync(socket); i++) {
    if (i > 200) throw new Error("ssh-agent did not start");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  for (const keyFile of keyFiles) await sh("ssh-add", [keyFile], { cwd: work, env: { SSH_AUTH_SOCK: socket } });
  return { socket, stop: () => void child.kill() };
}

const sshsigSection = "SSHSIG (ssh-keygen + curl)";

const keys = {
  alice: path.join(home, ".ssh", "id_ed25519"),
  aliceRsa: path.join(home, ".ssh", "id_rsa"),
  bob: path.join(home, ".ssh", "bob_ed25519"),
};

let tarball: string;
const apps: Record<"4" | "5", string> = { "4": path.join(work, "app-express4"), "5": path.join(work, "app-express5") };
let agents: { ed25519: Agent; rsa: Agent; several: Agent };

beforeAll(async () => {
  fs.mkdirSync(path.join(home, ".ssh"), { recursive: true, mode: 0o700 });
  for (const [file, type] of [
    [keys.alice, "ed25519"],
    [keys.aliceRsa, "rsa"],
    [keys.bob, "ed25519"],
  ] as const) {
    await sh("ssh-keygen", ["-q", "-t", type, ...(type === "rsa" ? ["-b", "2048"] : []), "-N", "", "-C", path.basename(file), "-f", file], { cwd: work });
  }
  agents = {
    ed25519: await startAgent("ed25519", keys.alice),
    rsa: await startAgent("rsa", keys.aliceRsa),
    // bob's key first: `--agent` alone signs with it, `--fingerprint` picks alice's.
    several: await startAgent("several", keys.bob, keys.aliceRsa, keys.alice),
  };

  // One pack (prepack builds), from a copy: building in place would rewrite the generated
  // Prisma client under the feet of the test files running next to this one.
  const source = path.join(work, "source");
  copySources(source);
  await sh("npm", ["pack", "--pack-destination", work], { cwd: source });
  tarball = path.join(work, `passport-sshkey-${version}.tgz`);

  // One install from the registry (better-sqlite3 compiles here); Express 4 is that app with
  // express swapped, so the native build is not repeated.
  for (const app of Object.values(apps)) fs.mkdirSync(app);
  const app5 = apps["5"];
  for (const fixture of fs.readdirSync(fixtures)) fs.copyFileSync(path.join(fixtures, fixture), path.join(app5, fixture));
  await sh("npm", ["install", "--no-audit", "--no-fund", tarball, "express@5", "passport@0.7.0", "fastify@5", "typescript@5.9.3", "@types/node@20"], {
    cwd: app5,
  });
  fs.cpSync(app5, apps["4"], { recursive: true, verbatimSymlinks: true });
  await sh("npm", ["install", "--no-audit", "--no-fund", "express@4", "@types/express@4"], { cwd: apps["4"] });

  // The README's code, as it is today, becomes the apps' source files.
  for (const app of Object.values(apps)) {
    for (const section of ["Library usage", "Fastify", "sshauth bearer tokens", "crtauth", sshsigSection]) {
      for (const [name, code] of typescriptFiles(readmeBlocks(readme, section))) fs.writeFileSync(path.join(app, name), code);
    }
  }
}, long);

afterAll(() => {
  agents?.ed25519.stop();
  agents?.rsa.stop();
  agents?.several.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("ships the build, the migrations, README and LICENSE, and nothing dev-only", async () => {
    const { stdout } = await sh("tar", ["-tzf", tarball], { cwd: work });
    const files = stdout
      .split("\n")
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ""));
    expect(files).toEqual(
      expect.arrayContaining([
        "LICENSE",
        "README.md",
        "package.json",
        "dist/strategy/index.js",
        "dist/strategy/index.d.ts",
        "dist/bin/passport-sshkey.js",
        "admin-ui/dist/index.html",
      ]),
    );
    expect(files.some((f) => f.startsWith("dist/strategy/store/prisma/generated/sqlite/"))).toBe(true);
    expect(files.some((f) => /^prisma\/sqlite\/migrations\/.+\/migration\.sql$/.test(f))).toBe(true);
    expect(files.some((f) => /^prisma\/postgresql\/migrations\/.+\/migration\.sql$/.test(f))).toBe(true);
    expect(
      files.filter(
        (f) =>
          f.endsWith(".map") || f.startsWith("prisma/tools/") || f.startsWith("test/") || f.startsWith("bench/") || (/\.tsx?$/.test(f) && !f.endsWith(".d.ts")),
      ),
    ).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(apps["5"], "node_modules/passport-sshkey/package.json"), "utf8"));
    expect(manifest.scripts.prepare).toBeUndefined();
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(["express", "fastify", "passport"]);
    expect(manifest.peerDependenciesMeta).toEqual({ fastify: { optional: true } });
    expect(manifest.dependencies).not.toHaveProperty("express");
  });
});

describe.each(["5", "4"] as const)("a fresh app on Express %s", (major) => {
  const app = apps[major];
  const database = () => ({ DATABASE_URL: `file:${path.join(app, "data", "app.db")}` });
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    sh("npx", ["--no-install", "passport-sshkey", ...args], { cwd: app, env: { ...database(), ...env } });
  const sign = async (spec: Record<string, unknown>) => (await sh(process.execPath, ["sign.mjs", JSON.stringify(spec)], { cwd: app })).stdout;
  const get = async (url: string, authorization?: string) => {
    const r = await fetch(url, { headers: authorization ? { authorization } : {} });
    return { status: r.status, headers: r.headers, body: (await r.text()) as string };
  };

  it("has the Express it was installed with", () => {
    const installed = JSON.parse(fs.readFileSync(path.join(app, "node_modules/express/package.json"), "utf8")) as { version: string };
    expect(installed.version.split(".")[0]).toBe(major);
  });

  it("type-checks the README's code and the package's types with strict NodeNext and skipLibCheck off", async () => {
    expect(
      fs
        .readdirSync(app)
        .filter((f) => f.endsWith(".ts"))
        .sort(),
    ).toEqual([
      "client.ts",
      "crtauth.ts",
      "fastify-server.ts",
      "server.ts",
      "sshsig-client.ts",
      "sshsig-session.ts",
      "sshsig-token.ts",
      "things.ts",
      "types-check.ts",
    ]);
    await sh(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."], { cwd: app });
    expect(fs.existsSync(path.join(app, "build", "server.js"))).toBe(true);
  });

  it("runs `npx passport-sshkey --version` and require() from CommonJS", async () => {
    expect((await cli(["--version"])).stdout.trim()).toBe(version);
    const { stdout } = await sh(process.execPath, ["require.cjs"], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({ strategy: "sshkey", errorHandler: "function", agentSigner: "function", authorizationFor: "function" });
  });

  it("Library usage: the README's server, its shell lines and its client, on a fresh SQLite file, closed by SIGTERM", async () => {
    for (const line of shellCommands(readmeBlocks(readme, "Library usage"))) {
      await sh("bash", ["-c", line], { cwd: app, env: database() });
    }
    await cli(["users", "add", "bob"]);
    await cli(["keys", "add", "bob", `${keys.bob}.pub`]);

    const server = await startApp(app, "server.js", database());
    try {
      // client.ts talks to the README's address: the same code, pointed at this server.
      const clientSource = fs.readFileSync(path.join(app, "build", "client.js"), "utf8");
      expect(clientSource).toContain(readmeOrigin);
      fs.writeFileSync(path.join(app, "build", "client-here.js"), clientSource.replaceAll(readmeOrigin, server.url));
      const here = await sh(process.execPath, [path.join("build", "client-here.js")], { cwd: app, env: { SSH_AUTH_SOCK: agents.ed25519.socket } });
      expect(here.stdout).toMatch(/^200 /);
      expect(here.stdout).toContain("username: 'alice'");
      expect(here.stdout).toContain("scheme: 'jwt'");

      const missing = await get(`${server.url}/api/me`);
      expect(missing.status).toBe(401);
      expect(missing.headers.get("www-authenticate")).toContain("JWT");

      const token = await sign({ scheme: "jwt", url: `${server.url}/api/strict`, username: "alice", key: keys.alice });
      const strict = await get(`${server.url}/api/strict`, token);
      expect(strict.status).toBe(200);
      expect(JSON.parse(strict.body).user).toMatchObject({ username: "alice", isAdmin: true });
      const replayed = await get(`${server.url}/api/strict`, token);
      expect(replayed.status).toBe(401);
      expect(JSON.parse(replayed.body).error.code).toBe("replayed");

      const admin = await get(`${server.url}/api/admin`, await sign({ scheme: "jwt", url: server.url, username: "alice", key: keys.alice }));
      expect(admin.status).toBe(200);
      expect(JSON.parse(admin.body)).toMatchObject({ name: "alice", fingerprint: expect.stringMatching(/^SHA256:/) });
      expect((await get(`${server.url}/api/admin`, await sign({ scheme: "jwt", url: server.url, username: "bob", key: keys.bob }))).status).toBe(401);
      const bob = await get(`${server.url}/api/me`, await sign({ scheme: "jwt", url: server.url, username: "bob", key: keys.bob }));
      expect(bob.status).toBe(200);
      expect(JSON.parse(bob.body).via).toMatchObject({ scheme: "jwt", keyType: "ssh-ed25519" });
    } finally {
      // The README's SIGTERM handler closes the server and the strategy; the process then ends by itself.
      expect(await server.stop()).toBe(0);
    }
    const listed = JSON.parse((await cli(["keys", "list", "alice", "--json"])).stdout) as {
      lastUsedAt: string | null;
      lastUsedScheme: string | null;
      comment: string;
    }[];
    expect(listed.find((k) => k.comment === "laptop")).toMatchObject({ lastUsedAt: expect.any(String), lastUsedScheme: "jwt" });
  });

  it("Fastify: the README's plugin server, importing passport-sshkey/fastify from the tarball, signs alice in", async () => {
    const server = await startApp(app, "fastify-server.js", database());
    try {
      const ok = await get(`${server.url}/api/me`, await sign({ scheme: "jwt", url: server.url, username: "alice", key: keys.alice }));
      expect(ok.status, server.output()).toBe(200);
      expect(JSON.parse(ok.body)).toMatchObject({ user: { username: "alice" }, via: { scheme: "jwt" } });
      const missing = await get(`${server.url}/api/me`);
      expect([missing.status, JSON.parse(missing.body).error.code]).toEqual([401, "missing_credentials"]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("sshauth bearer tokens: the README's app takes plain tokens, and bound ones where the route asks", async () => {
    const server = await startApp(app, "things.js", database());
    try {
      const url = `${server.url}/api/things`;
      const sshauth = { magic: "myapp-v1" };
      const plain = await get(url, await sign({ scheme: "sshauth", url, username: "alice", key: keys.alice, sshauth }));
      expect(plain.status).toBe(200);
      expect(JSON.parse(plain.body).user.username).toBe("alice");

      const post = async (body: string, signed: Record<string, unknown>) => {
        const authorization = await sign({ scheme: "sshauth", url, method: "POST", username: "alice", key: keys.alice, ...signed });
        const r = await fetch(url, { method: "POST", body, headers: { authorization, "content-type": "application/octet-stream" } });
        return { status: r.status, body: await r.text() };
      };
      const bound = await post("hello", { body: "hello", sshauth: { ...sshauth, bind: true } });
      expect(bound).toEqual({ status: 201, body: JSON.stringify({ bytes: 5 }) });
      expect((await post("hello", { body: "hello", sshauth })).status).toBe(401);
      expect((await post("HELLO", { body: "hello", sshauth: { ...sshauth, bind: true } })).status).toBe(401);
      // Another application's magic is refused.
      expect(await get(url, await sign({ scheme: "sshauth", url, username: "alice", key: keys.alice })).then((r) => r.status)).toBe(401);
    } finally {
      await server.stop();
    }
  });

  it("the installed CLI's token jwt signs in with a key file and with the one agent key --fingerprint names; authorized-keys prints the keys", async () => {
    const server = await startApp(app, "server.js", database());
    try {
      const fromFile = (await cli(["token", "jwt", "--user", "alice", "--key", keys.alice])).stdout.trim();
      expect(fromFile).toMatch(/^JWT \S+$/);
      expect((await get(`${server.url}/api/me`, fromFile)).status).toBe(200);
      const alice = (await sh("ssh-keygen", ["-lf", `${keys.alice}.pub`], { cwd: app })).stdout.split(" ")[1]!;
      const picked = await cli(["token", "jwt", "--user", "alice", "--agent", "--fingerprint", alice], { SSH_AUTH_SOCK: agents.several.socket });
      expect(picked.stderr).toBe(`signed with ${alice} (ssh-ed25519)\n`);
      expect((await get(`${server.url}/api/me`, picked.stdout.trim())).status).toBe(200);
      // Without --fingerprint the agent's first key that fits signs (bob's): refused for alice.
      const first = await cli(["token", "jwt", "--user", "alice", "--agent"], { SSH_AUTH_SOCK: agents.several.socket });
      expect(first.stderr).not.toContain(alice);
      expect((await get(`${server.url}/api/me`, first.stdout.trim())).status).toBe(401);
    } finally {
      await server.stop();
    }
    const published = (await cli(["authorized-keys", "alice"])).stdout;
    expect(published).toContain(fs.readFileSync(`${keys.alice}.pub`, "utf8").split(" ").slice(0, 2).join(" "));
    expect(published).not.toContain(fs.readFileSync(`${keys.bob}.pub`, "utf8").split(" ")[1]!);
  });

  it("crtauth: the README's app answers /_auth, and its shell lines log in with the agent and a key file", async () => {
    await cli(["keys", "add", "alice", `${keys.aliceRsa}.pub`, "--comment", "rsa"]);
    const server = await startApp(app, "crtauth.js", { ...database(), CRTAUTH_SECRET: "consumer-test-secret-0123456789abcdef" });
    try {
      const [login, request, ...rest] = shellCommands(readmeBlocks(readme, "crtauth")).map((line) => line.replaceAll(readmeOrigin, server.url));
      expect(rest).toEqual([]);
      const token = await sh("bash", ["-c", login!], { cwd: app, env: { SSH_AUTH_SOCK: agents.rsa.socket } });
      expect(token.stdout.trim()).toMatch(/^chap:\S+$/);
      const whoami = await get(`${server.url}/whoami`, token.stdout.trim());
      expect(whoami.status).toBe(200);
      expect(JSON.parse(whoami.body).user.username).toBe("alice");
      const requested = await sh("bash", ["-c", request!], { cwd: app });
      expect(JSON.parse(requested.stdout).user.username).toBe("alice");

      const signed = await sign({ scheme: "crtauth", url: `${server.url}/whoami`, username: "alice", key: keys.aliceRsa });
      expect((await get(`${server.url}/whoami`, signed)).status).toBe(200);
      expect((await get(`${server.url}/whoami`, "chap:bm90IGEgdG9rZW4")).status).toBe(401);
    } finally {
      await server.stop();
    }
  });

  it("SSHSIG: the README's shell client, CLI lines and library client, against the README's /whoami app", async () => {
    const server = await startApp(app, "crtauth.js", { ...database(), CRTAUTH_SECRET: "consumer-test-secret-0123456789abcdef" });
    try {
      // The README signs its own address (the host line of the message too): the same lines, pointed here.
      const here = (text: string) => text.replaceAll(readmeOrigin, server.url).replaceAll(readmeOrigin.replace("http://", ""), new URL(server.url).host);
      // The first two sh blocks are the clients run here; the later ones (allowed_signers import, the token exchange) have tests of their own.
      const [shellClient, cliLines] = readmeBlocks(readme, sshsigSection).filter((b) => b.lang === "sh");
      const shell = await sh("bash", ["-c", here(shellClient!.code)], { cwd: app });
      expect(JSON.parse(shell.stdout).user.username).toBe("alice");

      const lines = shellCommands([cliLines!]).map(here);
      expect(lines).toHaveLength(3);
      for (const line of lines) {
        const r = await sh("bash", ["-c", line], { cwd: app, env: { ...database(), SSH_AUTH_SOCK: agents.ed25519.socket } });
        expect(JSON.parse(r.stdout).user.username, line).toBe("alice");
        if (line.includes("--agent")) expect(r.stderr).toMatch(/signed with SHA256:\S+ \(ssh-ed25519\)/);
      }

      const clientSource = fs.readFileSync(path.join(app, "build", "sshsig-client.js"), "utf8");
      expect(clientSource).toContain(readmeOrigin);
      fs.writeFileSync(path.join(app, "build", "sshsig-client-here.js"), here(clientSource));
      const library = await sh(process.execPath, [path.join("build", "sshsig-client-here.js")], { cwd: app });
      expect(library.stdout).toMatch(/^200 /);
      expect(library.stdout).toContain("username: 'alice'");
    } finally {
      await server.stop();
    }
  });
});
