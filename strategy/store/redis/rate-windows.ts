import type { Redis } from "ioredis";

/**
 * Fixed-window counters on Redis for several app instances: INCR and PEXPIRE in one MULTI, so
 * every instance adds to the same count and Redis drops the window once it has closed. The
 * expiry is relative (one window length from the latest hit; the key names its window, so a
 * late expiry never carries a count over): an instance's clock need not agree with Redis's.
 */
export class RedisRateWindows {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "passport-sshkey:rate:",
  ) {}

  async countInWindow(scope: string, windowStart: Date, expiresAt: Date): Promise<number> {
    const key = `${this.prefix}${scope}:${windowStart.getTime()}`;
    const ttlMs = Math.max(1, expiresAt.getTime() - windowStart.getTime());
    const replies = await this.redis.multi().incr(key).pexpire(key, ttlMs).exec();
    const [error, count] = replies?.[0] ?? [new Error("Redis did not answer the rate counter"), null];
    if (error) throw error;
    return Number(count);
  }
}
