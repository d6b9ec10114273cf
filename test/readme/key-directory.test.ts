// The README's "The key directory" shell blocks, run as written by bash: `curl` against the demo
// server (its port substituted), `npx passport-sshkey` as the CLI from source on the server's
// SQLite database, git in a repository whose last commit alice signed. Outputs must match the
// README's `# →` lines (`…` stands for anything).
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectedLine } from "./expected-output.js";
import { root } from "../support/cli.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { makeTmpDir, sshKeygen } from "../support/ssh-keygen.js";

interface Command {
  line: string;
  expected: string[];
}

function sectionBlocks(): Command[][] {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const start = readme.indexOf("\n## The key directory: ");
  if (start < 0) throw new Error("README: no key directory section");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((code) => !code.startsWith("#!"))
    .map((code) => {
      const commands: Command[] = [];
      for (const line of code.split("\n")) {
        const arrow = /^# → (.*)$/.exec(line);
        if (arrow) commands.at(-1)!.expected.push(arrow[1]!);
        else if (line.trim() !== "") commands.push({ line, expected: [] });
      }
      return commands;
    });
}

describe("README: the key directory", () => {
  const tmp = makeTmpDir("pssk-readme-directory-");
  let server: TestServer;
  const repo = path.join(tmp.dir, "repo");

  beforeAll(async () => {
    server = await startTestServer("sqlite");
    const key = sshKeygen(tmp.dir, "alice", "ed25519");
    await server.store.directory.addUser("alice");
    await server.store.directory.addKey("alice", fs.readFileSync(`${key}.pub`, "utf8"));
    const env = {
      ...process.env,
      HOME: tmp.dir,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_AUTHOR_NAME: "alice",
      GIT_AUTHOR_EMAIL: "alice@example.com",
      GIT_COMMITTER_NAME: "alice",
      GIT_COMMITTER_EMAIL: "alice@example.com",
    };
    execFileSync("git", ["init", "-q", repo], { env });
    execFileSync("git", ["-c", "gpg.format=ssh", "-c", `user.signingkey=${key}.pub`, "commit", "-q", "-S", "--allow-empty", "-m", "signed"], {
      cwd: repo,
      env,
    });
  });
  afterAll(async () => {
    await server.close();
    tmp.cleanup();
  });

  it("prints what the README says", async () => {
    const blocks = sectionBlocks();
    expect(blocks.map((block) => block[0]!.line.split(" ")[0])).toEqual(["curl", "npx"]);
    const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
    // `npx passport-sshkey …` is the CLI from source, as test/support/cli.ts runs it.
    const prelude = `npx() { shift; '${process.execPath}' --import '${tsx}' '${path.join(root, "bin/passport-sshkey.ts")}' "$@"; }\n`;
    const env = { ...process.env, HOME: tmp.dir, GIT_CONFIG_NOSYSTEM: "1", DATABASE_URL: server.database.url, CHECKPOINT_DISABLE: "1" };
    for (const { line, expected } of blocks.flat()) {
      // Not execFileSync: the server answering curl runs in this process.
      const { stdout: output } = await promisify(execFile)("bash", ["-c", prelude + line.replaceAll("http://127.0.0.1:3000", server.url)], {
        cwd: repo,
        env,
        encoding: "utf8",
      });
      const lines = output.trimEnd() === "" ? [] : output.trimEnd().split("\n");
      expect(lines).toHaveLength(expected.length);
      expected.forEach((pattern, i) => expect(lines[i]).toMatch(expectedLine(pattern)));
    }
  });
});
