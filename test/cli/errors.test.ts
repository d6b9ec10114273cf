// How the CLI reports a server's clock_skew refusal: the server's message on stderr, a hint to
// check this machine's clock, and a non-zero exit. The server's clock runs two minutes ahead
// of the CLI process's.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { fixtures } from "../support/forge-jwt.js";
import { startTestServer, type MemoryTestServer } from "../support/server.js";

const rsaPem = path.join(fixtures, "keys/ajwt/rsa2048.pem");
const hint = "hint: check this machine's clock (`timedatectl`, or that NTP is running)";

describe("a clock_skew refusal through the CLI", () => {
  let t: MemoryTestServer;
  beforeAll(async () => {
    // A crtauth secret lets the server mint SSHSIG tokens (POST /_sshsig/token).
    t = await startTestServer("memory", { crtauth: { secret: "cli-errors-test-secret" } });
    await t.store.directory.addUser("alice");
    await t.store.directory.addKey("alice", fs.readFileSync(path.join(fixtures, "keys/ajwt/rsa2048.pub"), "utf8"));
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => {
    t.clock.now = Date.now() + 120_000;
  });

  const skewLine = /^clock_skew: token time is 1[12]\d s behind the server \(server time \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, allowed ±20 s\)$/;

  it("request: prints the server's message and the hint, and exits 22", async () => {
    const r = await runCli(["request", `${t.url}/whoami`, "--user", "alice", "--key", rsaPem]);
    expect(r.code).toBe(22);
    expect(JSON.parse(r.stdout).error.code).toBe("clock_skew");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(skewLine);
    expect(lines.slice(1)).toEqual([hint, "passport-sshkey: HTTP 401"]);
  });

  it("token sshsig --session: the refused exchange names the skew, then the hint", async () => {
    const r = await runCli(["token", "sshsig", "--session", "--url", t.url, "--user", "alice", "--key", rsaPem]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^passport-sshkey: POST \/_sshsig\/token refused: HTTP 401: clock_skew \(SSHSIG time is 1[12]\d s behind the server \(server time \S+Z, allowed ±60 s\)\)$/,
    );
    expect(lines.slice(1)).toEqual([hint]);
  });

  it("request: other refusals get no clock hint", async () => {
    t.clock.now = Date.now();
    const r = await runCli(["request", `${t.url}/whoami`, "--user", "bob", "--key", rsaPem]);
    expect(r.code).toBe(22);
    expect(r.stderr).toBe("passport-sshkey: HTTP 401\n");
  });
});
