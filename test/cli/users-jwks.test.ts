// `passport-sshkey users jwks …` as an administrator runs it: separate processes on one
// database, checked through the CLI's own listing.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";

describe("users jwks commands on sqlite", () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase("sqlite");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-jwks-"));
    env = { DATABASE_URL: db.url, HOME: dir };
    expect((await runCli(["users", "add", "alice"], { env })).code).toBe(0);
  });
  afterAll(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("adds a URL (normalised), lists it as a table and as JSON, refuses a duplicate, a bad URL and an unknown user, removes it", async () => {
    expect(await runCli(["users", "jwks", "add", "alice", "HTTPS://Keys.Example.com/jwks.json"], { env })).toMatchObject({
      code: 0,
      stdout: "user alice trusts JWKS https://keys.example.com/jwks.json\n",
    });
    const table = await runCli(["users", "jwks", "list", "alice"], { env });
    expect(table.stdout).toMatch(/^URL +ADDED +LAST USED +LAST FETCH +FETCH ERROR\nhttps:\/\/keys\.example\.com\/jwks\.json +\S+Z +never +never +-\n$/);
    const json = JSON.parse((await runCli(["users", "jwks", "list", "alice", "--json"], { env })).stdout);
    expect(json).toMatchObject([{ username: "alice", url: "https://keys.example.com/jwks.json", lastUsedAt: null, lastFetchError: null }]);
    const again = await runCli(["users", "jwks", "add", "alice", "https://keys.example.com/jwks.json"], { env });
    expect([again.code, again.stderr]).toEqual([1, "passport-sshkey: this user already trusts this JWKS URL\n"]);
    const bad = await runCli(["users", "jwks", "add", "alice", "ftp://example.com/jwks"], { env });
    expect([bad.code, bad.stderr]).toEqual([1, "passport-sshkey: a JWKS URL must be an https:// URL\n"]);
    expect((await runCli(["users", "jwks", "list", "nobody"], { env })).stderr).toBe("passport-sshkey: no user nobody\n");
    expect(await runCli(["users", "jwks", "remove", "alice", "https://keys.example.com/jwks.json"], { env })).toMatchObject({
      code: 0,
      stdout: "user alice no longer trusts JWKS https://keys.example.com/jwks.json\n",
    });
    const gone = await runCli(["users", "jwks", "remove", "alice", "https://keys.example.com/jwks.json"], { env });
    expect([gone.code, gone.stderr]).toEqual([1, "passport-sshkey: alice does not trust this JWKS URL\n"]);
  });
});
