// The README's "Importing keys from GitHub, GitLab or a URL" shell block, run as written by bash
// in one shell (its lines share a variable): `npx passport-sshkey` as the CLI from source on a
// SQLite database, `gh:alice` served by a loopback fake of GitHub, the real ssh-keygen signing.
// Outputs must match the README's `# →` lines (`…` stands for anything).
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outputPattern } from "../package/readme-blocks.js";
import { root, runCli } from "../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { startFakeForge, type FakeForge } from "../support/fake-forge.js";
import { makeTmpDir, sshKeygen } from "../support/ssh-keygen.js";

function sectionBlock(): { script: string; expected: string[] } {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const start = readme.indexOf("\n## Importing keys from GitHub, GitLab or a URL\n");
  if (start < 0) throw new Error("README: no key import section");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks).toHaveLength(1);
  const lines = blocks[0]!.split("\n");
  return {
    script: lines.filter((line) => !line.startsWith("#")).join("\n"),
    expected: lines.flatMap((line) => /^# → (.*)$/.exec(line)?.[1] ?? []),
  };
}

describe("README: importing keys", () => {
  const tmp = makeTmpDir("pssk-readme-import-");
  let db: TestDatabase;
  let forge: FakeForge;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    db = await createTestDatabase("sqlite");
    forge = await startFakeForge();
    fs.mkdirSync(path.join(tmp.dir, ".ssh"));
    const key = sshKeygen(path.join(tmp.dir, ".ssh"), "id_ed25519", "ed25519");
    forge.answers.set("/alice.keys", { body: fs.readFileSync(`${key}.pub`, "utf8") });
    env = { ...process.env, HOME: tmp.dir, DATABASE_URL: db.url, CHECKPOINT_DISABLE: "1", GITHUB_URL: forge.url, JWKS_ALLOW_PRIVATE_ADDRESSES: "1" };
    expect((await runCli(["users", "add", "alice"], { env })).code).toBe(0);
  });
  afterAll(async () => {
    await forge?.close();
    await db?.drop();
    tmp.cleanup();
  });

  it("prints what the README says, and the imported key is verified at the end", async () => {
    const { script, expected } = sectionBlock();
    const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
    // `npx passport-sshkey …` is the CLI from source, as test/support/cli.ts runs it.
    const prelude = `set -e\nnpx() { shift; '${process.execPath}' --import '${tsx}' '${path.join(root, "bin/passport-sshkey.ts")}' "$@"; }\n`;
    const { stdout } = await promisify(execFile)("bash", ["-c", prelude + script], { cwd: tmp.dir, env, encoding: "utf8" });
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(lines[i]).toMatch(outputPattern(pattern)));
    const listed = JSON.parse((await runCli(["keys", "list", "alice", "--json"], { env })).stdout) as { status: string; originRef: string }[];
    expect(listed).toMatchObject([{ status: "active", originRef: "gh:alice" }]);
  });
});
