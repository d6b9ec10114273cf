// The README's "RFC 9421 HTTP Message Signatures" section, run as written against the demo app:
// its CLI lines (the CLI from source for `npx passport-sshkey`, HOME a folder with a test key,
// a real ssh-agent holding it) and its two TypeScript clients (ours, and the third-party
// `http-message-signatures` one), with only the server's address and the package's import
// path substituted.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readmeBlocks, shellCommands, typescriptFiles } from "../package/readme-blocks.js";
import { root } from "../support/cli.js";
import { startTestServer, type MemoryTestServer } from "../support/server.js";
import { keygenFingerprint, makeTmpDir, sshKeygen, startAgent, type RunningAgent } from "../support/ssh-keygen.js";

const run = promisify(execFile);
const section = "RFC 9421 HTTP Message Signatures";
const blocks = readmeBlocks(path.join(root, "README.md"), section);
const readmeOrigin = "http://127.0.0.1:3000";
const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
const cli = `${process.execPath} --import ${tsx} ${path.join(root, "bin/passport-sshkey.ts")}`;

const tmp = makeTmpDir("readme-rfc9421-");
const home = path.join(tmp.dir, "home");
const app = path.join(tmp.dir, "app");
let fingerprint: string;
let agent: RunningAgent;
let t: MemoryTestServer;

beforeAll(async () => {
  fs.mkdirSync(path.join(home, ".ssh"), { recursive: true, mode: 0o700 });
  const key = sshKeygen(path.join(home, ".ssh"), "id_ed25519", "ed25519");
  fingerprint = keygenFingerprint(`${key}.pub`);
  agent = await startAgent(tmp.dir);
  agent.add(key);
  t = await startTestServer("memory");
  await t.store.directory.addUser("alice");
  await t.store.directory.addKey("alice", fs.readFileSync(`${key}.pub`, "utf8"));
  // The README's TypeScript as an ES module app that resolves this repository's packages.
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, "package.json"), '{ "type": "module" }\n');
  fs.symlinkSync(path.join(root, "node_modules"), path.join(app, "node_modules"));
}, 60_000);

// The clients sign with the wall clock.
beforeEach(() => {
  t.clock.now = Date.now();
});

afterAll(async () => {
  await t?.close();
  await agent?.stop();
  tmp.cleanup();
});

const env = () => ({ ...process.env, HOME: home, SSH_AUTH_SOCK: agent.socketPath });
const here = (text: string) => text.replaceAll(readmeOrigin, t.url);

describe("README: RFC 9421 HTTP Message Signatures", () => {
  it("has the CLI lines and the two clients", () => {
    expect(shellCommands(blocks)).toHaveLength(3);
    expect([...typescriptFiles(blocks).keys()]).toEqual(["rfc9421-client.ts", "rfc9421-third-party.ts"]);
  });

  it.each(shellCommands(blocks).map((line, i) => [i + 1, line] as const))("CLI line %i logs alice in: %s", async (_i, line) => {
    // Asynchronous: the server runs in this process, so a synchronous child would wait for it forever.
    const { stdout, stderr } = await run("bash", ["-c", here(line).replaceAll("npx passport-sshkey", cli)], { env: env() });
    expect(JSON.parse(stdout), stderr).toEqual({ username: "alice", scheme: "rfc9421", fingerprint });
    if (line.includes("--agent")) expect(stderr).toBe(`signed with ${fingerprint} (ssh-ed25519)\n`);
  });

  it.each([...typescriptFiles(blocks)])("%s logs alice in", async (name, code) => {
    const source = here(code).replaceAll('"passport-sshkey/client"', JSON.stringify(pathToFileURL(path.join(root, "strategy/client/index.ts")).href));
    expect(source).not.toBe(code);
    fs.writeFileSync(path.join(app, name), source);
    const { stdout } = await run(process.execPath, ["--import", tsx, name], { cwd: app, env: env() });
    expect(stdout).toMatch(/^200 /);
    expect(stdout).toContain("username: 'alice'");
    expect(stdout).toContain("scheme: 'rfc9421'");
  });

  it("type-checks the two clients with strict settings, the package's import mapped to its source", async () => {
    const files = [...typescriptFiles(blocks)];
    const dir = path.join(tmp.dir, "typecheck");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
    fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
    for (const [name, code] of files) fs.writeFileSync(path.join(dir, name), code);
    const compilerOptions = {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      skipLibCheck: true,
      types: ["node"],
      lib: ["ES2023"],
      paths: { "passport-sshkey/client": [path.join(root, "strategy/client/index.ts")] },
    };
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: files.map(([name]) => name) }));
    await run(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", dir]);
  });

  it("the 401 names what the server requires, as the README shows it", async () => {
    const r = await fetch(`${t.url}/whoami`);
    expect(r.status).toBe(401);
    const shown = /Accept-Signature` naming what the server requires \(`([^`]+)`\)/.exec(fs.readFileSync(path.join(root, "README.md"), "utf8"))?.[1];
    expect(r.headers.get("accept-signature")).toBe(shown);
    expect(r.headers.get("www-authenticate")).toMatch(/Signature realm=/);
  });
});
