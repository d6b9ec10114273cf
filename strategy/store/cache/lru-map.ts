export interface LruLimits {
  /** Most entries kept. */
  entries: number;
  /** Most bytes kept, as estimated by `weigh`. */
  bytes: number;
}

/**
 * A least-recently-used map bounded by entry count and by an estimate of the memory its
 * entries hold. Keys come from requests (a JWT `kid`, a username), so their length is
 * chosen by whoever sends them: counting entries alone would let long keys grow memory.
 */
export class LruMap<T> {
  private readonly map = new Map<string, { value: T; weight: number }>();
  private totalBytes = 0;

  constructor(
    private readonly limits: LruLimits,
    private readonly weigh: (key: string, value: T) => number,
  ) {}

  get(key: string): T | undefined {
    const entry = this.map.get(key);
    if (!entry) return undefined;
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.value;
  }

  set(key: string, value: T): void {
    this.delete(key);
    const weight = this.weigh(key, value);
    // An entry bigger than the whole budget would only evict everything else.
    if (weight > this.limits.bytes) return;
    this.map.set(key, { value, weight });
    this.totalBytes += weight;
    while (this.map.size > this.limits.entries || this.totalBytes > this.limits.bytes) {
      this.delete(this.map.keys().next().value!);
    }
  }

  delete(key: string): void {
    const entry = this.map.get(key);
    if (!entry) return;
    this.map.delete(key);
    this.totalBytes -= entry.weight;
  }

  clear(): void {
    this.map.clear();
    this.totalBytes = 0;
  }

  get size(): number {
    return this.map.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }
}
