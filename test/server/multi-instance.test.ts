// Two `passport-sshkey serve` processes on one database (and Redis, when configured):
// a token used on one is refused on the other, and a revocation made elsewhere stops the
// other instance from accepting the key within one second.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPrismaStore } from "../../strategy/store/prisma/store.js";
import { startServe } from "../support/cli.js";
import { createTestDatabase, databaseKinds, type TestDatabase } from "../support/databases.js";
import { seedUser } from "../support/seed.js";
import { redisUp, redisUrl } from "../support/redis.js";
import { getJson } from "../support/server.js";
import { msUntilRefused } from "../support/until-refused.js";
import { jwtFor, spkiPem } from "../support/tokens.js";
import { freshKeyPair } from "../support/fresh-keys.js";

const deployments = [
  ...databaseKinds.map((kind) => ({ name: kind, kind, redis: false })),
  ...(redisUp && databaseKinds.includes("postgresql") ? [{ name: "postgresql + redis", kind: "postgresql" as const, redis: true }] : []),
];

describe.each(deployments)("two instances on $name", ({ kind, redis }) => {
  let db: TestDatabase;
  let a: Awaited<ReturnType<typeof startServe>>;
  let b: Awaited<ReturnType<typeof startServe>>;
  const key = freshKeyPair("ed25519").privateKey;
  const now = () => Date.now() / 1000;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await seedUser(db.url, "alice", spkiPem(key));
    const env = { DATABASE_URL: db.url, REDIS_URL: redis ? redisUrl : undefined, CRTAUTH_SECRET: "multi-instance-test-secret" };
    [a, b] = await Promise.all([startServe(env), startServe(env)]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db.drop();
  });

  it("refuses on one instance a token already used on the other", async () => {
    const token = jwtFor("alice", key, { time: now() });
    expect((await getJson(`${a.url}/whoami`, { authorization: token })).status).toBe(200);
    const replay = await getJson(`${b.url}/whoami`, { authorization: token });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe("replayed");
  });

  it("stops accepting a key on every instance within one second of its revocation elsewhere", async () => {
    // Both instances have the key cached now.
    expect((await getJson(`${a.url}/whoami`, { authorization: jwtFor("alice", key, { time: now() }) })).status).toBe(200);
    expect((await getJson(`${b.url}/whoami`, { authorization: jwtFor("alice", key, { time: now() }) })).status).toBe(200);
    const admin = await openPrismaStore({ url: db.url, redisUrl: redis ? redisUrl : undefined });
    const [stored] = await admin.directory.listKeys("alice");
    await admin.directory.revokeKey(stored!.fingerprintSha256, "multi-instance test");
    const revokedAt = Date.now();
    await admin.close();
    const refusedAfter = (url: string) =>
      msUntilRefused(() => getJson(`${url}/whoami`, { authorization: jwtFor("alice", key, { time: now() }) }), revokedAt, "key_revoked");
    const [ms1, ms2] = await Promise.all([refusedAfter(a.url), refusedAfter(b.url)]);
    expect(Math.max(ms1, ms2)).toBeLessThan(1000);
  });
});
