/**
 * Where time comes from. Core code never calls `Date.now()` or `setTimeout`
 * directly, so tests can inject a manual clock and a recorded run replays the same way.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms`; rejects with `CancelledError` when `signal` aborts first. */
  sleep(ms: number, options?: { signal?: AbortSignal }): Promise<void>;
}
