// A real OpenSSH sshd asks `passport-sshkey authorized-keys` for the keys of the user logging in
// (AuthorizedKeysCommand): a registered key logs in, a revoked one is refused, the other still works,
// and the authorized_keys options a key was stored with reach sshd (a forced command, from=).
//
// What sshd requires, found here: the command file and every directory above it must be owned by
// root and not writable by group or others (so nothing under /tmp or /var/tmp, which are 1777:
// sshd logs `Unsafe AuthorizedKeysCommand "…": bad ownership or modes for directory /tmp`),
// whatever StrictModes says. sshd runs as root here, as it does on a server (the test skips outside CI
// when it cannot; an unprivileged sshd was not tried). The wrapper
// goes in a mkdtemp directory under /run (root's, 0755); the keys are those of the account
// running the test, the one local account sshd can log in.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { root } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { KeyDir } from "../support/ssh-keygen.js";
import { freePort } from "../support/free-port.js";

const sshd = "/usr/sbin/sshd";
const why = !fs.existsSync(sshd)
  ? `${sshd} is missing (apt-get install openssh-server)`
  : process.getuid?.() !== 0
    ? "sshd must run as root to log in through AuthorizedKeysCommand"
    : null;
if (why && process.env.CI === "true") throw new Error(`CI=true but the sshd test cannot run: ${why}`);
if (why) console.warn(`skipping the sshd test: ${why}`);

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => (socket.destroy(), resolve(true)));
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`sshd did not listen: ${log()}`);
}

describe.skipIf(why !== null).each(databaseKinds)("sshd's AuthorizedKeysCommand on %s", (kind) => {
  const keys = new KeyDir();
  const user = os.userInfo().username;
  let database: TestDatabase;
  let commandDir: string;
  let daemon: ChildProcess;
  let port: number;
  let log = "";
  let laptop: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    keys.sshKeygen("laptop", "ed25519");
    keys.sshKeygen("desktop", "ecdsa");
    keys.sshKeygen("stranger", "ed25519");
    keys.sshKeygen("host", "ed25519");
    keys.sshKeygen("forced", "ed25519");
    keys.sshKeygen("elsewhere", "ed25519");
    const store = await openPrismaStore({ url: database.url });
    await store.directory.addUser(user);
    laptop = (await store.directory.addKey(user, keys.read("laptop.pub"))).fingerprintSha256;
    // An expiry ahead: its line carries expiry-time="…Z", which sshd must read and still let in.
    await store.directory.addKey(user, keys.read("desktop.pub"), { expiresAt: new Date(Date.now() + 86_400_000) });
    await store.directory.addKey(user, `command="echo forced-by-option",no-pty ${keys.read("forced.pub")}`);
    await store.directory.addKey(user, `from="10.9.9.9" ${keys.read("elsewhere.pub")}`);
    await store.close();

    // The wrapper sets what sshd's cleared environment lacks: the database, and (here) tsx to run the source.
    commandDir = fs.mkdtempSync("/run/passport-sshkey-sshd-");
    fs.chmodSync(commandDir, 0o755);
    const command = path.join(commandDir, "authorized-keys");
    const tsx = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
    fs.writeFileSync(
      command,
      `#!/bin/sh\nexec '${process.execPath}' --import '${tsx}' '${path.join(root, "bin/passport-sshkey.ts")}' authorized-keys --database-url '${database.url}' "$1"\n`,
      { mode: 0o755 },
    );
    fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
    port = await freePort();
    const config = keys.path("sshd_config");
    fs.writeFileSync(
      config,
      [
        `Port ${port}`,
        "ListenAddress 127.0.0.1",
        `HostKey ${keys.path("host")}`,
        `PidFile ${keys.path("sshd.pid")}`,
        "AuthorizedKeysFile none",
        `AuthorizedKeysCommand ${command} %u`,
        `AuthorizedKeysCommandUser ${user}`,
        "StrictModes no",
        "UsePAM no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin prohibit-password",
        `AllowUsers ${user}`,
        "LogLevel VERBOSE",
        "",
      ].join("\n"),
    );
    daemon = spawn(sshd, ["-D", "-e", "-f", config], { stdio: ["ignore", "pipe", "pipe"] });
    daemon.stdout!.on("data", (d) => (log += d));
    daemon.stderr!.on("data", (d) => (log += d));
    await waitForPort(port, daemon, () => log);
  }, 60_000);
  afterAll(async () => {
    daemon?.kill("SIGTERM");
    if (commandDir) fs.rmSync(commandDir, { recursive: true, force: true });
    await database?.drop();
    keys.cleanup();
  });

  const login = (key: string, command = "true") =>
    spawnSync(
      "ssh",
      [
        "-F",
        "/dev/null",
        "-i",
        keys.path(key),
        "-p",
        String(port),
        "-l",
        user,
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "IdentitiesOnly=yes",
        "-o",
        "IdentityAgent=none",
        "-o",
        "BatchMode=yes",
        "-o",
        "ConnectTimeout=20",
        "127.0.0.1",
        command,
      ],
      { encoding: "utf8", timeout: 60_000 },
    );

  it("logs in with a registered key and refuses an unregistered one", () => {
    const ok = login("laptop");
    expect(ok.status, `${ok.stderr}\n${log}`).toBe(0);
    const refused = login("stranger");
    expect(refused.status).toBe(255);
    expect(refused.stderr).toMatch(/Permission denied \(publickey\)/);
  }, 120_000);

  it("refuses a revoked key at the next login while the user's other key still works", async () => {
    const store = await openPrismaStore({ url: database.url });
    await store.directory.revokeKey(laptop, "stolen");
    await store.close();
    const refused = login("laptop");
    expect(refused.status).toBe(255);
    expect(refused.stderr).toMatch(/Permission denied \(publickey\)/);
    const other = login("desktop");
    expect(other.status, `${other.stderr}\n${log}`).toBe(0);
  }, 120_000);

  it("runs the command= a key was stored with instead of the one asked for", () => {
    const forced = login("forced", "echo asked-for");
    expect(forced.status, `${forced.stderr}\n${log}`).toBe(0);
    expect(forced.stdout).toBe("forced-by-option\n");
  }, 120_000);

  it("refuses a key stored with from= for another address", async () => {
    const refused = login("elsewhere");
    expect(refused.status).toBe(255);
    expect(refused.stderr).toMatch(/Permission denied \(publickey\)/);
    // sshd found the key and turned it down for the address (its log line may trail the client's exit).
    await vi.waitFor(() => expect(log).toMatch(/with correct key but not from a permitted host/), { timeout: 10_000 });
  }, 120_000);
});
