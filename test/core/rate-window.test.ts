// A key's own rate limit through HTTP: 429 rate_limited with Retry-After once the window's
// budget is spent, one budget for every instance on a database (or on Redis), and a stranger's
// bad signatures spend none of it.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKinds } from "../support/databases.js";
import { redisUp, redisUrl } from "../support/redis.js";
import { generatedSigner } from "../schemes/sshauth/fixtures.js";
import { authorization, get, openLimitsStore, startLimitsApp, type LimitsApp } from "../support/limits-app.js";
import type { SshKeyStore } from "../../strategy/store/index.js";

// The start of a minute, so the window's end is known.
const T = 1_700_000_040_000;

describe.each(["memory", ...databaseKinds] as const)("per-key rate limit on %s", (kind) => {
  const clock = { now: T };
  let store: SshKeyStore;
  let close: () => Promise<void>;
  let app: LimitsApp;
  const signer = generatedSigner("ed25519");
  const free = generatedSigner("ed25519");

  beforeAll(async () => {
    ({ store, close } = await openLimitsStore(kind, clock));
    await store.directory.addUser("lim");
    await store.directory.addKey("lim", signer.publicKey.openssh, { rateLimit: { count: 3, windowSeconds: 60 } });
    await store.directory.addKey("lim", free.publicKey.openssh);
    app = await startLimitsApp(store, clock);
  });
  afterAll(async () => {
    await app?.close();
    await close?.();
  });

  it("admits `count` sign-ins per window, then 429 rate_limited with the seconds until the window ends; the next window admits again", async () => {
    clock.now = T + 15_000;
    for (let i = 0; i < 3; i++) expect((await get(`${app.url}/open`, await authorization("jwt", signer, "lim", clock.now))).status).toBe(200);
    const refused = await get(`${app.url}/open`, await authorization("jwt", signer, "lim", clock.now));
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    expect(refused.headers.get("retry-after")).toBe("45");
    // Another key of the same user has no limit of its own.
    expect((await get(`${app.url}/open`, await authorization("jwt", free, "lim", clock.now))).status).toBe(200);
    clock.now = T + 60_000;
    expect((await get(`${app.url}/open`, await authorization("jwt", signer, "lim", clock.now))).status).toBe(200);
  });

  it("a stranger's bad signatures naming the key spend none of its budget", async () => {
    clock.now = T + 120_000;
    const kid = signer.publicKey.kid;
    const stranger = generatedSigner("ed25519");
    for (let i = 0; i < 5; i++) {
      const forged = await authorization("jwt", { ...stranger, publicKey: { ...stranger.publicKey, kid } }, "lim", clock.now);
      expect((await get(`${app.url}/open`, forged)).status).toBe(401);
    }
    for (let i = 0; i < 3; i++) expect((await get(`${app.url}/open`, await authorization("jwt", signer, "lim", clock.now))).status).toBe(200);
  });
});

/** Two app instances, each with its own store connection, on one database (and Redis when given). */
async function sharedBudget(kind: (typeof databaseKinds)[number], redis: string | undefined): Promise<void> {
  const clock = { now: T + 5_000 };
  const first = await openLimitsStore(kind, clock, { redisUrl: redis });
  const second = await openLimitsStore(kind, clock, { url: first.url, redisUrl: redis });
  const signer = generatedSigner("ed25519");
  const apps: LimitsApp[] = [];
  try {
    await first.store.directory.addUser("twin");
    const key = await first.store.directory.addKey("twin", signer.publicKey.openssh, { rateLimit: { count: 4, windowSeconds: 60 } });
    apps.push(await startLimitsApp(first.store, clock), await startLimitsApp(second.store, clock));
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await get(`${apps[i % 2]!.url}/open`, await authorization("jwt", signer, "twin", clock.now))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    if (redis) {
      const client = new Redis(redis);
      try {
        expect(await client.get(`passport-sshkey:rate:key:${key.id}:60:${T}`)).toBe("6");
      } finally {
        client.disconnect();
      }
    }
  } finally {
    for (const app of apps) await app.close();
    await second.close();
    await first.close();
  }
}

describe.each(databaseKinds)("one rate budget for two instances on %s", (kind) => {
  it("through the database", () => sharedBudget(kind, undefined));
  it.skipIf(!redisUp)("through Redis", () => sharedBudget(kind, redisUrl));
});
