/**
 * A token bucket per caller (API key or user), refilled continuously. Per process: with several
 * processes each allows the rate, which bounds abuse without a shared store. A bucket that has
 * refilled is the same as no bucket, so full ones are dropped once a minute: memory follows the
 * callers of the last minute, not every address ever seen.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; updatedAt: number }>();
  readonly #perMs: number;
  #sweptAt = 0;

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#perMs = perMinute / 60_000;
  }

  /** Takes one token; returns the seconds to wait when none is left, else 0. */
  take(key: string): number {
    if (this.perMinute <= 0) return 0;
    const now = this.now();
    if (now - this.#sweptAt >= 60_000) this.#sweep(now);
    const bucket = this.#buckets.get(key) ?? { tokens: this.perMinute, updatedAt: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updatedAt) * this.#perMs);
    bucket.updatedAt = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.#perMs / 1000);
  }

  /** Buckets kept now (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }

  #sweep(now: number): void {
    this.#sweptAt = now;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.#perMs >= this.perMinute) this.#buckets.delete(key);
    }
  }
}
