import type { Redis } from "ioredis";

/**
 * Fixed-window counters on Redis for several app instances: INCR and PEXPIREAT in one MULTI, so
 * every instance adds to the same count and Redis drops the window when it has closed.
 */
export class RedisRateWindows {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "passport-sshkey:rate:",
  ) {}

  async countInWindow(scope: string, windowStart: Date, expiresAt: Date): Promise<number> {
    const key = `${this.prefix}${scope}:${windowStart.getTime()}`;
    // At least one millisecond ahead: Redis deletes a key whose expiry has passed.
    const at = Math.max(expiresAt.getTime(), Date.now() + 1);
    const replies = await this.redis.multi().incr(key).pexpireat(key, at).exec();
    const [error, count] = replies?.[0] ?? [new Error("Redis did not answer the rate counter"), null];
    if (error) throw error;
    return Number(count);
  }
}
