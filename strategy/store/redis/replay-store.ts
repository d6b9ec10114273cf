import type { Redis } from "ioredis";
import type { ReplayStore } from "../ports.js";

/**
 * The replay guard on Redis for several app instances: `SET key 1 NX PXAT expiry` is
 * atomic on the server, so exactly one instance wins a value, and Redis drops the key
 * when its window has closed (no pruning needed). An unreachable Redis is an error,
 * never an acceptance.
 */
export class RedisReplayStore implements ReplayStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "passport-sshkey:replay:",
  ) {}

  async consume(scope: string, value: string, expiresAt: Date): Promise<boolean> {
    // At least one millisecond ahead: Redis refuses an expiry in the past.
    const at = Math.max(expiresAt.getTime(), Date.now() + 1);
    const reply = await this.redis.set(`${this.prefix}${scope}:${value}`, "1", "PXAT", at, "NX");
    return reply === "OK";
  }
}
