import { CancelledError } from "../errors/cancelled-error.js";

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

/** The real clock: `Date.now()` and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, { signal } = {}) {
    if (signal?.aborted)
      return Promise.reject(new CancelledError(undefined, { cause: signal.reason }));
    if (ms <= 0 && !signal) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new CancelledError(undefined, { cause: signal?.reason }));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};
