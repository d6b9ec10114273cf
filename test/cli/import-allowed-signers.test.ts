// `keys import-allowed-signers` as a team runs it: a real allowed_signers file (ssh-keygen -Y verify
// accepts it), the CLI in its own process on the server's database, then the imported keys
// signing in over HTTP with `ssh-keygen -Y sign`.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { databaseKinds } from "../support/databases.js";
import { fixtures } from "../support/forge-jwt.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { KeyDir } from "../support/ssh-keygen.js";
import { SSHSIG_NAMESPACE as sshsigNamespace, signedSshsig } from "../support/sshsig.js";

const template = fs.readFileSync(path.join(fixtures, "allowed-signers/team.allowed_signers"), "utf8");
const people = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ca", "robot", "ivan", "victor", "walter"];

/** The fixture with each `{{name}}` replaced by a key generated for this run. */
function writeTeamFile(keys: KeyDir): string {
  for (const name of people) keys.sshKeygen(name, name === "carol" ? "ecdsa" : "ed25519", []);
  const text = template.replace(/\{\{(\w+)\}\}/g, (all, name: string) => (people.includes(name) ? keys.read(`${name}.pub`).trim() : all));
  fs.writeFileSync(keys.path("allowed_signers"), text);
  return keys.path("allowed_signers");
}

/** What `ssh-keygen -Y verify` says of a signature by `key` for `principal` in `namespace`, against `file`. */
function keygenVerifies(keys: KeyDir, file: string, key: string, principal: string, namespace: string): boolean {
  const message = `commit by ${principal}\n`;
  const signature = keys.path(`${key}-${namespace}.sig`);
  fs.writeFileSync(
    signature,
    execFileSync("ssh-keygen", ["-Y", "sign", "-n", namespace, "-f", keys.path(key)], { input: message, stdio: ["pipe", "pipe", "ignore"] }),
  );
  return spawnSync("ssh-keygen", ["-Y", "verify", "-f", file, "-I", principal, "-n", namespace, "-s", signature], { input: message }).status === 0;
}

describe("the team fixture is a genuine allowed_signers file", () => {
  const keys = new KeyDir();
  let file: string;
  beforeAll(() => {
    file = writeTeamFile(keys);
  });
  afterAll(() => keys.cleanup());

  it("ssh-keygen -Y verify accepts the signers and refuses where the import skips", () => {
    expect(keygenVerifies(keys, file, "alice", "alice@example.com", "git")).toBe(true);
    expect(keygenVerifies(keys, file, "alice", "alice@users.noreply.example.com", sshsigNamespace)).toBe(true);
    expect(keygenVerifies(keys, file, "bob", "bob", sshsigNamespace)).toBe(true);
    // namespaces="git,http@*" admits the server's namespace: the pattern list is OpenSSH's.
    expect(keygenVerifies(keys, file, "carol", "carol@example.com", sshsigNamespace)).toBe(true);
    expect(keygenVerifies(keys, file, "erin", "erin@example.com", sshsigNamespace)).toBe(true);
    expect(keygenVerifies(keys, file, "heidi", "heidi@example.com", sshsigNamespace)).toBe(true);
    expect(keygenVerifies(keys, file, "dave", "dave@example.com", "git")).toBe(true);
    expect(keygenVerifies(keys, file, "dave", "dave@example.com", sshsigNamespace)).toBe(false);
    expect(keygenVerifies(keys, file, "frank", "frank@example.com", sshsigNamespace)).toBe(false);
    expect(keygenVerifies(keys, file, "grace", "grace@example.com", sshsigNamespace)).toBe(false);
    expect(keygenVerifies(keys, file, "ivan", "Ivan Petrov", sshsigNamespace)).toBe(true);
  });
});

describe.each(databaseKinds)("keys import-allowed-signers on %s", (kind) => {
  const keys = new KeyDir();
  let t: TestServer;
  let env: Record<string, string>;
  let file: string;
  beforeAll(async () => {
    t = await startTestServer(kind, { exposeErrorCodes: true });
    // Local times in the file (valid-after="20990101") are read in the importing machine's zone, as ssh-keygen reads them.
    env = { DATABASE_URL: t.database.url, TZ: "Asia/Tokyo" };
    file = writeTeamFile(keys);
  }, 60_000);
  afterAll(async () => {
    await t.close();
    keys.cleanup();
  });

  const importFile = (...args: string[]) => runCli(["keys", "import-allowed-signers", file, ...args], { env });
  const storedKeys = async () =>
    JSON.parse((await runCli(["keys", "list", "--json"], { env })).stdout) as {
      username: string;
      fingerprintSha256: string;
      expiresAt: string | null;
      comment: string;
    }[];
  const login = async (username: string, key: string) => {
    const host = new URL(t.url).host;
    const authorization = signedSshsig(keys.path(key), { username, host, time: Math.floor(t.clock.now / 1000) });
    const r = await fetch(`${t.url}/whoami`, { headers: { authorization } });
    return { status: r.status, body: (await r.json()) as { username?: string; error?: { code: string } } };
  };

  it("--dry-run says what it would do and changes nothing", async () => {
    const r = await importFile("--dry-run", "--create-users");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^line 5 \(alice@example\.com\): would import SHA256:\S+ \(ssh-ed25519\), would create the user$/m);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("dry run, nothing changed: 6 to import, 0 already present, 7 skipped, 4 refused, 3 unreadable lines");
    expect(await storedKeys()).toEqual([]);
    expect(JSON.parse((await runCli(["users", "list", "--json"], { env })).stdout)).toEqual([]);
  });

  it("without --create-users, imports only for existing users and says who is missing", async () => {
    expect((await runCli(["users", "add", "bob"], { env })).code).toBe(0);
    const r = await importFile();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^line 6 \(bob\): imported SHA256:\S+ \(ssh-ed25519\)$/m);
    expect(r.stdout).toContain("line 5 (alice@example.com): skipped: no user alice@example.com (--create-users creates missing users)\n");
    expect((await storedKeys()).map((k) => k.username)).toEqual(["bob"]);
  });

  it("with --create-users, imports every signer it can and explains each line it does not", async () => {
    const r = await importFile("--create-users", "--comment", "git signer");
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^line 5 \(alice@example\.com\): imported SHA256:\S+ \(ssh-ed25519\), user created$/m);
    expect(out).toMatch(
      /^line 5 \(alice@users\.noreply\.example\.com\): skipped: SHA256:\S+ belongs to alice@example\.com, named on the same line; a key belongs to one user$/m,
    );
    expect(out).toMatch(/^line 6 \(bob\): SHA256:\S+ already present$/m);
    expect(out).toMatch(/^line 7 \(carol@example\.com\): imported SHA256:\S+ \(ecdsa-sha2-nistp256\), user created$/m);
    expect(out).toContain(
      'line 8 (dave@example.com): skipped: namespaces="git" does not include http@passport-sshkey; --ignore-namespaces imports it anyway\n',
    );
    expect(out).toMatch(/^line 9 \(erin@example\.com\): imported SHA256:\S+ \(ssh-ed25519\), expires 2099-12-31T00:00:00Z, user created$/m);
    expect(out).toContain("line 10 (frank@example.com): skipped: not valid until 2098-12-31T15:00:00Z (valid-after)\n");
    expect(out).toContain("line 11 (grace@example.com): skipped: expired on 2020-01-01T00:00:00Z (valid-before)\n");
    expect(out).toMatch(/^line 12 \(heidi@example\.com\): imported SHA256:\S+ \(ssh-ed25519\), expires 2099-01-01T03:00:00Z, user created$/m);
    expect(out).toContain("line 15 (*@example.com): skipped: cert-authority line: trusting a certificate authority is not supported yet\n");
    expect(out).toContain("line 16 (*.bot@example.com): skipped: a pattern, not one person: wildcard principals are not imported\n");
    expect(out).toContain("line 17 (Ivan Petrov): skipped: not a valid username (usernames are 1–64 letters, digits or . _ @ + ' -)\n");
    expect(out).toMatch(/^line 18 \(judy@example\.com\): refused: SHA256:\S+ belongs to user alice@example\.com; a key belongs to one user$/m);
    expect(out).toMatch(/^line 19 \(mallory@example\.com\): refused: .*1024.*$/m);
    expect(out).toMatch(/^line 20 \(oscar@example\.com\): refused: .*DSA.*$/m);
    expect(out).toMatch(/^line 21 \(peggy@example\.com\): refused: .*(small|weak|order).*$/im);
    expect(out).toMatch(/^line 22 \(trent@example\.com\): imported SHA256:\S+ \(sk-ssh-ed25519@openssh\.com\), user created$/m);
    expect(out).toContain('line 24: unreadable: valid-before="2099" is not a time as YYYYMMDD[HHMM[SS]][Z]\n');
    expect(out).toContain("line 25: unreadable: the namespaces value has no closing quote\n");
    expect(out).toContain('line 26: unreadable: "line" is neither a key type nor an allowed_signers option\n');
    expect(out.trim().split("\n").at(-1)).toBe("5 imported, 1 already present, 7 skipped, 4 refused, 3 unreadable lines");

    const stored = await storedKeys();
    expect(stored.map((k) => k.username).sort()).toEqual([
      "alice@example.com",
      "bob",
      "carol@example.com",
      "erin@example.com",
      "heidi@example.com",
      "trent@example.com",
    ]);
    expect(stored.find((k) => k.username === "erin@example.com")).toMatchObject({ expiresAt: "2099-12-31T00:00:00.000Z", comment: "git signer" });
    expect(stored.find((k) => k.username === "bob")?.comment).toBe("bob@test");
    // Audited as the CLI: each user it created and each key it imported.
    const audit = JSON.parse((await runCli(["audit", "list", "--json"], { env })).stdout) as {
      action: string;
      actor: { type: string };
      after: { owner?: string };
    }[];
    expect(
      audit
        .filter((e) => e.action === "key.imported")
        .map((e) => e.after.owner)
        .sort(),
    ).toEqual(stored.map((k) => k.username).sort());
    expect(audit.filter((e) => e.action === "user.created")).toHaveLength(6); // bob by `users add`, the others by --create-users
    expect(audit.every((e) => e.actor.type === "cli")).toBe(true);
  });

  it("running it twice imports nothing the second time", async () => {
    const before = await storedKeys();
    const r = await importFile("--create-users");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("0 imported, 6 already present, 7 skipped, 4 refused, 3 unreadable lines");
    expect(await storedKeys()).toEqual(before);
  });

  it("the imported keys sign in over HTTP with ssh-keygen -Y sign; the skipped ones do not", async () => {
    for (const [username, key] of [
      ["alice@example.com", "alice"],
      ["bob", "bob"],
      ["carol@example.com", "carol"],
      ["erin@example.com", "erin"],
      ["heidi@example.com", "heidi"],
    ]) {
      expect(await login(username!, key!)).toMatchObject({ status: 200, body: { username } });
    }
    expect((await login("alice@users.noreply.example.com", "alice")).status).toBe(401);
    expect((await login("dave@example.com", "dave")).status).toBe(401);
    expect((await login("judy@example.com", "alice")).status).toBe(401);
  });

  it("--ignore-namespaces imports a line restricted to other namespaces", async () => {
    const r = await importFile("--create-users", "--ignore-namespaces");
    expect(r.stdout).toMatch(/^line 8 \(dave@example\.com\): imported SHA256:\S+ \(ssh-ed25519\), user created$/m);
    // The CLI wrote to the database behind the server's back: the change reaches its key cache within a second.
    let answer = await login("dave@example.com", "dave");
    for (let i = 0; i < 30 && answer.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await login("dave@example.com", "dave");
    }
    expect(answer).toMatchObject({ status: 200, body: { username: "dave@example.com" } });
  });
});

describe("keys import-allowed-signers input it cannot use", () => {
  const keys = new KeyDir();
  let t: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await startTestServer("sqlite");
    env = { DATABASE_URL: t.database.url };
  }, 60_000);
  afterAll(async () => {
    await t.close();
    keys.cleanup();
  });
  const importText = (name: string, content: string | Buffer, ...args: string[]) => {
    fs.writeFileSync(keys.path(name), content);
    return runCli(["keys", "import-allowed-signers", keys.path(name), ...args], { env });
  };

  it("a missing file, a file with no signer line and an empty file exit 1", async () => {
    const missing = await runCli(["keys", "import-allowed-signers", keys.path("absent")], { env });
    expect([missing.code, missing.stderr]).toEqual([1, `passport-sshkey: cannot read ${keys.path("absent")}: ENOENT\n`]);
    const junk = await importText("junk", "hello world\nnot signers\n");
    expect(junk.code).toBe(1);
    expect(junk.stderr).toBe(`passport-sshkey: no allowed_signers line could be read in ${keys.path("junk")}\n`);
    expect((await importText("empty", "# nothing yet\n\n")).code).toBe(1);
  });

  it("local-part maps addresses to usernames but never merges two people", async () => {
    keys.sshKeygen("a1", "ed25519");
    keys.sshKeygen("a2", "ed25519");
    keys.sshKeygen("z", "ed25519");
    const text = [
      `alice@one.example ${keys.read("a1.pub").trim()}`,
      `alice@two.example ${keys.read("a2.pub").trim()}`,
      `zoe@example.com,zoe@users.example ${keys.read("z.pub").trim()}`,
    ].join("\n");
    const r = await importText("mapped", text, "--create-users", "--principal-map", "local-part");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "line 1 (alice@one.example): skipped: alice@one.example and alice@two.example would all be user alice; add these keys with keys add\n",
    );
    expect(r.stdout).toMatch(/^line 3 \(zoe@example\.com\): imported SHA256:\S+ \(ssh-ed25519\), user created$/m);
    expect(r.stdout).toMatch(/^line 3 \(zoe@users\.example\): SHA256:\S+ already present$/m);
    const bad = await runCli(["keys", "import-allowed-signers", keys.path("mapped"), "--principal-map", "domain"], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Allowed choices are as-is, local-part/);
  });

  it("NUL bytes, non-UTF-8 bytes, huge lines and 10k lines: per-line notes, bounded time, no crash", async () => {
    keys.sshKeygen("k", "ed25519");
    const good = keys.read("k.pub").trim();
    const lines = [
      `nul\u0000user ${good}`,
      `"unterminated ${good}`,
      `huge ${"A".repeat(100_000)}`,
      `kate ${good}`,
      `\u202eevil ${good}`,
      ...Array.from({ length: 10_000 }, (_, i) => (i % 2 ? `user${i} namespaces="git ssh-ed25519 AAAA` : `user${i} ssh-ed25519 AAAA${i}`)),
    ];
    const bytes = Buffer.concat([
      Buffer.from(lines.slice(0, 5).join("\n")),
      Buffer.from([0x0a, 0xff, 0xfe, 0x20, 0x41, 0x0a]),
      Buffer.from(lines.slice(5).join("\r\n")),
    ]);
    const started = Date.now();
    const r = await importText("hostile", bytes, "--create-users");
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/is not valid UTF-8/);
    expect(r.stdout).toContain("line 1 (nul\\u{0}user): skipped: not a valid username");
    expect(r.stdout).toContain("line 2: unreadable: the quoted principals have no closing quote\n");
    expect(r.stdout).toContain("line 3: unreadable: the line is longer than 16 KiB\n");
    expect(r.stdout).toMatch(/^line 4 \(kate\): imported SHA256:\S+ \(ssh-ed25519\), user created$/m);
    expect(r.stdout).toContain("line 5 (\\u{202e}evil): skipped: not a valid username");
    expect(r.stdout).toMatch(/^line 6: unreadable: /m);
    // Principals reach the terminal escaped: no raw NUL, no bidi override reordering the report.
    expect(r.stdout).not.toMatch(/[\u0000\u202e]/);
    expect(r.stdout).toMatch(/^1 imported, 0 already present, \d+ skipped, \d+ refused, \d+ unreadable lines$/m);
  }, 60_000);
});
