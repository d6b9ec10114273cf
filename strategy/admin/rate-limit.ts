/** A per-key token bucket, in memory: `capacity` attempts, refilled at `refillPerMinute`. */
export interface RateLimitOptions {
  capacity?: number;
  refillPerMinute?: number;
  /**
   * Failed sign-ins per claimed username, whatever the IP (default: capacity 20, refilled at
   * 20 a minute): many addresses guessing at one account are slowed down together.
   */
  perUsername?: { capacity?: number; refillPerMinute?: number };
}

function positive(value: number | undefined, fallback: number, what: string): number {
  const n = value ?? fallback;
  if (typeof n !== "number" || !Number.isFinite(n) || n <= 0) throw new TypeError(`createAdminRouter: rateLimit.${what} must be a positive number`);
  return n;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly capacity: number;
  private readonly perMs: number;

  constructor(
    options: { capacity?: number; refillPerMinute?: number } = {},
    private readonly now: () => number = Date.now,
    defaults: { capacity: number; refillPerMinute: number } = { capacity: 10, refillPerMinute: 10 },
  ) {
    this.capacity = positive(options.capacity, defaults.capacity, "capacity");
    this.perMs = positive(options.refillPerMinute, defaults.refillPerMinute, "refillPerMinute") / 60_000;
  }

  private tokensOf(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    return bucket ? Math.min(this.capacity, bucket.tokens + (now - bucket.at) * this.perMs) : this.capacity;
  }

  private waitFor(tokens: number): number {
    return Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000));
  }

  /** Takes one token for `key`; returns 0 when allowed, else the seconds until one is available. */
  take(key: string): number {
    const now = this.now();
    const tokens = this.tokensOf(key, now);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return this.waitFor(tokens);
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.buckets.size > 10_000) this.prune(now);
    return 0;
  }

  /** The seconds until `key` has a token (0: now), without taking one. */
  wait(key: string): number {
    const tokens = this.tokensOf(key, this.now());
    return tokens < 1 ? this.waitFor(tokens) : 0;
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.capacity) this.buckets.delete(key);
    }
  }
}

/**
 * The console's sign-in limits: every attempt costs a token of its IP's bucket, and every
 * failure one of the claimed username's, so neither one address nor many addresses aimed at
 * one account can try credentials faster than the configured rate.
 */
export class SignInLimiter {
  private readonly perIp: TokenBuckets;
  private readonly failuresPerUsername: TokenBuckets;

  constructor(options: RateLimitOptions = {}, now: () => number = Date.now) {
    this.perIp = new TokenBuckets(options, now);
    this.failuresPerUsername = new TokenBuckets(options.perUsername, now, { capacity: 20, refillPerMinute: 20 });
  }

  /** Seconds to wait before this attempt may run (0: go ahead; the IP's token is taken). */
  admit(ip: string, username: string | null): number {
    const userWait = username === null ? 0 : this.failuresPerUsername.wait(username);
    if (userWait > 0) return userWait;
    return this.perIp.take(ip);
  }

  /** Counts a failed attempt against the username it claimed. */
  failed(username: string | null): void {
    if (username !== null) this.failuresPerUsername.take(username);
  }
}
