/**
 * A token bucket: `capacity` tokens at most, refilled continuously at `perMinute`
 * tokens a minute. A full bucket allows a burst of `burstSeconds` worth (a whole minute's
 * by default, as most providers allow; 1 for a provider that enforces a per-minute limit
 * per second). Time is passed in, so the bucket works with any clock.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly #refillPerMs: number;
  #tokens: number;
  #updatedAt: number;

  constructor(perMinute: number, now: number, burstSeconds = 60) {
    if (!(perMinute > 0) || !Number.isFinite(perMinute)) {
      throw new TypeError(`perMinute: expected a finite number > 0, received ${String(perMinute)}`);
    }
    if (!(burstSeconds > 0 && burstSeconds <= 60)) {
      throw new TypeError(
        `burstSeconds: expected a number in (0, 60], received ${String(burstSeconds)}`,
      );
    }
    this.capacity = (perMinute * burstSeconds) / 60;
    this.#refillPerMs = perMinute / 60_000;
    this.#tokens = this.capacity;
    this.#updatedAt = now;
  }

  /** Tokens available at `now` (negative after an overdraft). */
  available(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  /**
   * Milliseconds until `amount` tokens are available (0 = now). An amount larger than
   * the capacity is treated as the capacity, so a big request waits for a full bucket
   * instead of forever.
   */
  waitTime(now: number, amount: number): number {
    this.#refill(now);
    const needed = Math.min(amount, this.capacity);
    if (this.#tokens >= needed) return 0;
    return Math.ceil((needed - this.#tokens) / this.#refillPerMs);
  }

  /** Takes `amount` tokens; the balance may go negative (an overdraft future calls wait off). */
  take(now: number, amount: number): void {
    this.#refill(now);
    this.#tokens -= Math.min(amount, this.capacity);
  }

  /** Corrects an earlier estimate: positive takes more, negative gives back (up to capacity). */
  adjust(now: number, delta: number): void {
    this.#refill(now);
    this.#tokens = Math.min(this.capacity, this.#tokens - delta);
  }

  #refill(now: number): void {
    const elapsed = now - this.#updatedAt;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.capacity, this.#tokens + elapsed * this.#refillPerMs);
      this.#updatedAt = now;
    }
  }
}
