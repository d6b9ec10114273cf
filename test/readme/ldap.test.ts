// The README's "LDAP key source" blocks, run as written against a test slapd: the shell block by
// bash (`npx passport-sshkey` as the CLI from source, the slapd's URL and a password file
// substituted), outputs matching its `# →` lines (`…` stands for anything); the ts block by tsx
// with "passport-sshkey" pointing at the source, until its first sync is logged.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outputPattern, readmeBlocks } from "../package/readme-blocks.js";
import { root } from "../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { baseDn, slapdMissing, startSlapd, type Slapd } from "../support/slapd.js";
import { makeTmpDir, sshKeygen } from "../support/ssh-keygen.js";

const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;

describe.skipIf(slapdMissing !== null)("README: LDAP key source", () => {
  const blocks = readmeBlocks(path.join(root, "README.md"), "LDAP key source");
  const tmp = makeTmpDir("pssk-readme-ldap-");
  const readerPassword = "reader-secret";
  let ldap: Slapd;
  let database: TestDatabase;

  beforeAll(async () => {
    ldap = await startSlapd();
    database = await createTestDatabase("sqlite");
    const client = await ldap.admin();
    await client.add(`cn=reader,${baseDn}`, { objectClass: ["organizationalRole", "simpleSecurityObject"], cn: "reader", userPassword: readerPassword });
    await client.unbind();
    await ldap.addUser("alice", [fs.readFileSync(`${sshKeygen(tmp.dir, "alice", "ed25519")}.pub`, "utf8").trim()]);
    fs.writeFileSync(path.join(tmp.dir, "ldap-reader"), `${readerPassword}\n`);
  });
  afterAll(async () => {
    await ldap?.close();
    await database?.drop();
    tmp.cleanup();
  });

  it("ldap sync and ldap status print what the README says", async () => {
    const [block] = blocks.filter((b) => b.lang === "sh");
    const lines = block!.code.split("\n");
    const expected = lines.flatMap((line) => /^# → (.*)$/.exec(line)?.[1] ?? []);
    const script = lines
      .filter((line) => !line.startsWith("# →"))
      .join("\n")
      .replace("ldap://127.0.0.1:389", ldap.url)
      .replace("/run/secrets/ldap-reader", path.join(tmp.dir, "ldap-reader"));
    const prelude = `npx() { shift; '${process.execPath}' --import '${tsx}' '${path.join(root, "bin/passport-sshkey.ts")}' "$@"; }\nset -e\n`;
    const { stdout } = await promisify(execFile)("bash", ["-c", prelude + script], {
      cwd: tmp.dir,
      env: { ...process.env, DATABASE_URL: database.url, CHECKPOINT_DISABLE: "1" },
      encoding: "utf8",
    });
    const output = stdout.trimEnd().split("\n");
    expect(output).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(output[i]).toMatch(outputPattern(pattern)));
  });

  it("the startLdapSync example syncs, and stops on SIGTERM", async () => {
    const [block] = blocks.filter((b) => b.lang === "ts");
    const file = path.join(tmp.dir, "ldap-sync.mts");
    fs.writeFileSync(file, block!.code.replace('from "passport-sshkey"', `from ${JSON.stringify(path.join(root, "strategy/index.ts"))}`));
    const child = spawn(process.execPath, ["--import", tsx, file], {
      cwd: tmp.dir,
      env: { ...process.env, DATABASE_URL: database.url, LDAP_URL: ldap.url, LDAP_BIND_PASSWORD: readerPassword, CHECKPOINT_DISABLE: "1" },
    });
    let out = "";
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes("synced 1 entries")) resolve();
        if (out.includes("LDAP sync failed")) reject(new Error(out));
      });
      child.on("close", () => reject(new Error(`exited: ${out}`)));
    });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
