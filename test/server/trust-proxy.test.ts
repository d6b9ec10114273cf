// TRUST_PROXY through `passport-sshkey serve`: each accepted form decides which address the
// event log records for a request that came through proxies; a bad value stops startup with one line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { runCli, startServe } from "../support/cli.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";
import { getJson } from "../support/server.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { jwtFor } from "../support/tokens.js";

describe("TRUST_PROXY", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("sqlite");
  });
  afterAll(async () => {
    await db.drop();
  });

  const key = freshKeyPair("ed25519").privateKey;

  /** The address the event log records for one request sent through two proxies. */
  async function recordedIp(trustProxy: string | undefined, username: string): Promise<string | null> {
    const serve = await startServe({ DATABASE_URL: db.url, TRUST_PROXY: trustProxy, CRTAUTH_SECRET: "trust-proxy-test" });
    try {
      const response = await getJson(`${serve.url}/whoami`, {
        authorization: jwtFor(username, key, { time: Date.now() / 1000 }),
        "x-forwarded-for": "198.51.100.7, 203.0.113.9",
      });
      expect(response.status).toBe(401);
    } finally {
      // SIGTERM flushes the buffered event.
      expect(await serve.stop()).toBe(0);
    }
    const store = await openPrismaStore({ url: db.url, migrate: false });
    try {
      const [event] = await store.database.prisma.authEvent.findMany({ where: { username } });
      return event?.ip ?? null;
    } finally {
      await store.close();
    }
  }

  it("true trusts every proxy: the client is the leftmost X-Forwarded-For address", async () => {
    expect(await recordedIp("true", "tp-true")).toBe("198.51.100.7");
  });

  it("a number is a hop count, not an address: 1 trusts the one proxy in front", async () => {
    expect(await recordedIp("1", "tp-one")).toBe("203.0.113.9");
  });

  it("unset trusts no proxy: the socket's address", async () => {
    expect(await recordedIp(undefined, "tp-unset")).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });

  it("a value that is no address stops startup with one line naming TRUST_PROXY", async () => {
    const result = await runCli(["serve", "--port", "0"], { env: { DATABASE_URL: db.url, TRUST_PROXY: "bogus" } });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/TRUST_PROXY: invalid IP address: bogus/);
  });
});
