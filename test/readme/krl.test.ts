// The README's `ca import-krl` block under "OpenSSH certificates", run as written in a fresh
// directory holding a trusted CA's ca.pub: shell lines by bash, `npx passport-sshkey` by the CLI
// from source on a SQLite database. Each command's output must be the README's `# →` lines.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root, runCli } from "../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { makeTmpDir, sshKeygen } from "../support/ssh-keygen.js";

function krlBlock(): { line: string; expected: string[] }[] {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n### OpenSSH certificates\n"), readme.indexOf("\n## Audience"));
  const block = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes("ca import-krl revoked.krl"));
  if (!block) throw new Error("README: no ca import-krl block under OpenSSH certificates");
  const commands: { line: string; expected: string[] }[] = [];
  for (const line of block.split("\n")) {
    const arrow = /^# → (.*)$/.exec(line);
    if (arrow) commands.at(-1)!.expected.push(arrow[1]!);
    else if (line.trim() !== "") commands.push({ line: line.replace(/\s+# .*$/, ""), expected: [] });
  }
  return commands;
}

describe("README: importing a KRL", () => {
  const tmp = makeTmpDir("pssk-readme-krl-");
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("sqlite");
    sshKeygen(tmp.dir, "ca", "ed25519");
    expect((await runCli(["ca", "add", path.join(tmp.dir, "ca.pub"), "--name", "corp"], { env: { DATABASE_URL: db.url } })).code).toBe(0);
  });
  afterAll(async () => {
    await db.drop();
    tmp.cleanup();
  });

  it("prints what the README says", async () => {
    const commands = krlBlock();
    expect(commands.map((c) => c.line.split(" ")[0])).toEqual(["printf", "ssh-keygen", "npx"]);
    for (const { line, expected } of commands) {
      if (line.startsWith("npx passport-sshkey ")) {
        const r = await runCli(line.slice("npx passport-sshkey ".length).split(" "), { env: { DATABASE_URL: db.url }, cwd: tmp.dir });
        expect({ code: r.code, lines: r.stdout.trimEnd().split("\n") }).toEqual({ code: 0, lines: expected });
      } else {
        execFileSync("bash", ["-c", line], { cwd: tmp.dir, stdio: "ignore" });
      }
    }
  });
});
