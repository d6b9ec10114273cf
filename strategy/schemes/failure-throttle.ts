import { z } from "zod";

export interface FailureThrottleOptions {
  /** Failed signature checks allowed for one username in a burst (default 20). */
  maxFailures?: number | undefined;
  /** Time for a full burst to be allowed again, in ms (default 60 000): one failure every windowMs / maxFailures. */
  windowMs?: number | undefined;
  /** Usernames remembered at once; the least recently failed are forgotten first (default 10 000). */
  capacity?: number | undefined;
}

const positive = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** The `failureThrottle` option of the strategy and the crtauth router: settings, or `false` for none. */
export const failureThrottleOptionSchema = z.union([
  z.strictObject({ maxFailures: positive.optional(), windowMs: positive.optional(), capacity: positive.optional() }),
  z.literal(false),
]);

interface Bucket {
  tokens: number;
  atMs: number;
}

/** Usernames can be at most 64 characters (the directory's rule): longer names have no keys to try. */
const maxUsernameLength = 64;

/**
 * A token bucket per username of failed signature checks. Once a username's bucket is
 * empty, credentials naming it are refused before any key is looked up or any signature
 * checked, so whatever the account holds, junk credentials naming it cost at most
 * `maxFailures` failed checks per `windowMs` (each one itself capped by the candidate limit).
 *
 * Only failures that cost a signature check are counted: names nobody has cost no
 * signature work and would only push real names out of the bounded map. Memory is at most
 * `capacity` entries of one short string and two numbers.
 */
export class FailureThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxFailures: number;
  private readonly refillPerMs: number;
  private readonly capacity: number;

  constructor(options: FailureThrottleOptions = {}) {
    this.maxFailures = positiveInteger(options.maxFailures ?? 20, "maxFailures");
    this.refillPerMs = this.maxFailures / positiveInteger(options.windowMs ?? 60_000, "windowMs");
    this.capacity = positiveInteger(options.capacity ?? 10_000, "capacity");
  }

  /** Seconds to wait before a credential naming `username` is checked again, or null if it may be checked now. */
  retryAfterSeconds(username: string, nowMs: number): number | null {
    const bucket = this.buckets.get(username);
    if (!bucket) return null;
    const tokens = this.refilled(bucket, nowMs);
    if (tokens >= 1) return null;
    return Math.max(1, Math.ceil((1 - tokens) / this.refillPerMs / 1000));
  }

  /** One failed signature check for a credential naming `username`. */
  recordFailure(username: string, nowMs: number): void {
    if (username.length > maxUsernameLength) return;
    const bucket = this.buckets.get(username);
    const tokens = bucket ? this.refilled(bucket, nowMs) : this.maxFailures;
    // Re-inserted so the Map's order is least recently failed first.
    this.buckets.delete(username);
    this.buckets.set(username, { tokens: Math.max(0, tokens - 1), atMs: nowMs });
    if (this.buckets.size > this.capacity) this.buckets.delete(this.buckets.keys().next().value!);
  }

  /** Usernames currently remembered (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket, nowMs: number): number {
    return Math.min(this.maxFailures, bucket.tokens + Math.max(0, nowMs - bucket.atMs) * this.refillPerMs);
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`failureThrottle.${name} must be a positive integer, got ${String(value)}`);
  return value;
}
