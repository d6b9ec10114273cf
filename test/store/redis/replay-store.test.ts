import crypto from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisReplayStore } from "../../../strategy/store/redis/replay-store.js";
import { redisUp, redisUrl } from "../../support/redis.js";

describe.runIf(redisUp)("Redis replay store", () => {
  let a: Redis;
  let b: Redis;
  const prefix = `pssk-test:${crypto.randomBytes(4).toString("hex")}:`;
  beforeAll(() => {
    a = new Redis(redisUrl);
    b = new Redis(redisUrl);
  });
  afterAll(async () => {
    const keys = await a.keys(`${prefix}*`);
    if (keys.length) await a.del(...keys);
    a.disconnect();
    b.disconnect();
  });

  it("accepts a value once, on whichever connection asks first", async () => {
    const one = new RedisReplayStore(a, prefix);
    const two = new RedisReplayStore(b, prefix);
    const expires = new Date(Date.now() + 60_000);
    expect(await one.consume("jwt", "v1", expires)).toBe(true);
    expect(await two.consume("jwt", "v1", expires)).toBe(false);
    expect(await one.consume("sshauth", "v1", expires)).toBe(true);
  });

  it("lets exactly one of many concurrent consumers win", async () => {
    const stores = [new RedisReplayStore(a, prefix), new RedisReplayStore(b, prefix)];
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => stores[i % 2]!.consume("jwt", "race", new Date(Date.now() + 60_000))));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("lets Redis forget a value when its window closes", async () => {
    const store = new RedisReplayStore(a, prefix);
    expect(await store.consume("jwt", "short", new Date(Date.now() + 50))).toBe(true);
    const ttl = await a.pttl(`${prefix}jwt:short`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(50);
    expect(await store.consume("jwt", "past", new Date(0))).toBe(true); // never an error for an old expiry
  });

  it("fails closed when Redis is unreachable", async () => {
    const dead = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    dead.on("error", () => {});
    await expect(new RedisReplayStore(dead).consume("jwt", "x", new Date(Date.now() + 1000))).rejects.toThrow();
    dead.disconnect();
  });
});
