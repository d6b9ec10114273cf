// `keys add --scopes --rate-limit`, `keys set` and `keys unlock` through the CLI on every
// database, with what they record in the audit log, and hostile values refused by name.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { databaseKinds } from "../support/databases.js";
import { newKeyLine } from "../admin/support.js";
import { openLimitsStore } from "../support/limits-app.js";
import { parsePublicKey } from "../../strategy/keys/index.js";
import type { SshKeyStore } from "../../strategy/store/index.js";

describe.each(databaseKinds)("key limits in the CLI on %s", (kind) => {
  let store: SshKeyStore;
  let url: string;
  let close: () => Promise<void>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-limits-"));
  const line = newKeyLine("ci");
  const file = path.join(dir, "ci.pub");
  const fingerprint = parsePublicKey(line).fingerprintSha256;
  const cli = (...args: string[]) => runCli(args, { env: { DATABASE_URL: url } });
  const key = () => store.directory.findKey(fingerprint);

  beforeAll(async () => {
    fs.writeFileSync(file, line);
    let opened;
    ({ store, close, url: opened } = await openLimitsStore(kind, { now: Date.now() }));
    url = opened!;
    await store.directory.addUser("ci");
  }, 30_000);
  afterAll(async () => {
    await close?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("keys add --scopes --rate-limit stores both", async () => {
    const r = await cli("keys", "add", "ci", file, "--scopes", "deploy,read", "--rate-limit", "100/1m");
    expect(r.code, r.stderr).toBe(0);
    expect(await key()).toMatchObject({ scopes: ["deploy", "read"], rateLimit: { count: 100, windowSeconds: 60 } });
    const listed = await cli("keys", "list", "ci");
    expect(listed.stdout.split("\n")[1]).toMatch(/\sscopes=deploy,read;rate=100\/60s\s+ok\s/);
  });

  it("keys set changes and clears them, and says what the key may now do; each change is audited with the OS user", async () => {
    let r = await cli("keys", "set", fingerprint, "--scopes", "deploy", "--rate-limit", "5/10s");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${fingerprint} of ci: scopes deploy, rate limit 5/10s\n`);
    r = await cli("keys", "set", fingerprint, "--no-scopes", "--no-rate-limit");
    expect(r.stdout).toBe(`${fingerprint} of ci: scopes unrestricted, rate limit none\n`);
    expect(await key()).toMatchObject({ scopes: null, rateLimit: null });
    const { items } = await store.audit.page({ action: "key.scopes_changed", limit: 10 });
    expect(items[0]).toMatchObject({ actor: { type: "cli", name: os.userInfo().username }, before: { scopes: ["deploy"] }, after: { scopes: null } });
  });

  it.each([
    [["--scopes", "Deploy"], /"Deploy" is not a scope name/],
    [["--scopes", "a,b;c"], /"b;c" is not a scope name/],
    [["--scopes", Array.from({ length: 33 }, (_, i) => `s${i}`).join(",")], /at most 32 scopes/],
    [["--rate-limit", "0/60s"], /count must be a whole number from 1/],
    [["--rate-limit", "10/0s"], /window must be a whole number of seconds from 1/],
    [["--rate-limit", "-1/60s"], /is not a rate limit/],
    [["--rate-limit", "10/2d"], /window must be .* \(a day\)/],
    [["--rate-limit", "9999999999/1s"], /is not a rate limit/],
    [[], /give --scopes, --no-scopes, --rate-limit/],
  ])("keys set %j is refused with the rule named", async (args, message) => {
    const r = await cli("keys", "set", fingerprint, ...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });

  it("keys unlock lifts a lock and clears the count (audited); an unknown fingerprint is an error", async () => {
    const { id } = await key();
    await store.limits.recordKeyFailure(id, 1, new Date(Date.now() + 600_000), new Date());
    const r = await cli("keys", "unlock", fingerprint);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`unlocked ${fingerprint} of ci (1 failed attempts cleared)\n`);
    expect(await key()).toMatchObject({ failedAttempts: 0, lockedUntil: null });
    const [entry] = (await store.audit.page({ action: "key.unlocked", limit: 1 })).items;
    expect(entry).toMatchObject({ actor: { type: "cli" }, target: { id }, before: { failedAttempts: 1 } });
    const unknown = await cli("keys", "unlock", "SHA256:nope");
    expect(unknown.code).toBe(1);
  });
});
