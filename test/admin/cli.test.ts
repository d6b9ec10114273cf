// console-link and login end to end: separate CLI processes and `passport-sshkey serve` on one database.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startServe } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { fixtures } from "../support/forge-jwt.js";
import { cookieFrom, redeemLink, request } from "./support.js";

const rsaPub = path.join(fixtures, "keys/ajwt/rsa2048.pub");
const rsaPem = path.join(fixtures, "keys/ajwt/rsa2048.pem");

describe.each(databaseKinds)("console CLI on %s", (kind) => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    env = { DATABASE_URL: db.url };
    expect((await runCli(["users", "add", "root", "--admin"], { env })).code).toBe(0);
    expect((await runCli(["keys", "add", "root", rsaPub], { env })).code).toBe(0);
  });
  afterAll(async () => {
    await db.drop();
  });

  it("console-link prints a one-time link; login proves a key and prints one; both start a session", async () => {
    const server = await startServe(env);
    try {
      const link = await runCli(["console-link", "root", "--base-url", server.url], { env });
      expect(link.code).toBe(0);
      expect(link.stdout).toMatch(new RegExp(`^${server.url}/admin/login/[\\w-]{43}\\n$`));
      const first = await redeemLink(link.stdout.trim());
      expect(first.status).toBe(303);
      const me = await request(`${server.url}/admin/api/me`, { headers: { cookie: cookieFrom(first.headers) } });
      expect(me.body).toMatchObject({ user: { username: "root" }, isAdmin: true });
      expect((await request(link.stdout.trim())).body.error.code).toBe("link_used");

      const login = await runCli(["login", `${server.url}/admin/`, "--user", "root", "--key", rsaPem], { env });
      expect(login.code).toBe(0);
      expect(login.stdout).toMatch(new RegExp(`^${server.url}/admin/login/[\\w-]{43}\\n$`));
      expect((await redeemLink(login.stdout.trim())).status).toBe(303);

      const refused = await runCli(["login", server.url, "--user", "nobody", "--key", rsaPem], { env });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/sign-in refused \(invalid_credentials/);
      expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("console-link refuses an unknown user and a bad URL", async () => {
    const unknown = await runCli(["console-link", "nobody"], { env });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no user nobody/);
    const bad = await runCli(["console-link", "root", "--base-url", "ftp://x"], { env });
    expect(bad.stderr).toMatch(/--base-url must be an http/);
  });
});
